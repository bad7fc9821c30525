// marketcore/status.h — error values for every public marketcore call.
//
// marketcore never throws across its public boundary: a call that can fail returns
// `mc::Status` or `mc::Result<T>`. A Status carries
//   - a canonical `Code`, chosen by what the caller should do next (fix the request, retry the
//     call, retry later), whose numbers are never reused so a C ABI or HTTP table can carry them;
//   - a stable `detail` string naming the precise failure ("insufficient_funds",
//     "job_already_accepted"), which dialects map to their own error bodies;
//   - a human-readable `message` and, optionally, the `param` (request field) at fault.
//
// Thread-safety: Status and Result are values; distinct objects may be used from any thread.
//
// Example:
//   mc::Result<mc::JobId> job = engine.create_job(request);
//   if (!job.ok()) {
//     if (job.status().detail() == "insufficient_funds") { ... }
//     return job.status();
//   }
//   use(job.value());
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mc {

// Canonical error classes. Numbers are part of the ABI: never renumber or reuse one.
enum class Code : int32_t {
  ok = 0,
  // The request is malformed or violates a bound; retrying it unchanged never succeeds.
  invalid_argument = 1,
  // The job, party, market or key named in the request does not exist (or is not visible to
  // the caller). Retrying unchanged does not succeed.
  not_found = 2,
  // The thing the request would create already exists (e.g. an external reference already
  // credited by another principal). Not retryable.
  already_exists = 3,
  // The caller is known but its role does not allow this action. Not retryable.
  permission_denied = 4,
  // The caller could not be identified (bad signature, expired token). Retry with credentials.
  unauthenticated = 5,
  // The system is not in a state that allows the action (wrong job state, insufficient funds,
  // deadline passed). Retrying unchanged fails until the state changes.
  failed_precondition = 6,
  // A concurrent change won a race (status-guarded update touched no row). The caller may
  // re-read and retry the whole operation.
  aborted = 7,
  // An arithmetic result or value left its representable range (checked overflow).
  out_of_range = 8,
  // A quota or limit is exhausted (rate limit, queue full). Retry later.
  resource_exhausted = 9,
  // A transient failure of the store or a remote peer. The call may be retried.
  unavailable = 10,
  // An invariant believed true was found false, or a third-party library failed unexpectedly.
  internal = 11,
  // A time limit passed before the operation finished. Retry may succeed.
  deadline_exceeded = 12,
  // Stored data is unreadable or inconsistent. Not retryable.
  data_loss = 13,
};

// Returns the lower-case name of `code` ("invalid_argument"), or "unknown".
std::string_view code_name(Code code);

// Returns true when retrying the identical call later may succeed.
bool code_is_transient(Code code);

// An outcome: ok, or a failure with a code, a stable detail, a message and an optional param.
class [[nodiscard]] Status {
 public:
  // Success.
  Status() = default;
  // Failure. `detail` is a stable snake_case identifier; `message` is for humans.
  Status(Code code, std::string detail, std::string message, std::string param = {})
      : code_(code),
        detail_(std::move(detail)),
        message_(std::move(message)),
        param_(std::move(param)) {}

  bool ok() const { return code_ == Code::ok; }
  Code code() const { return code_; }
  // Stable machine identifier of the failure; empty on success.
  const std::string& detail() const { return detail_; }
  // Human-readable explanation; empty on success.
  const std::string& message() const { return message_; }
  // The request field the failure is about, or empty.
  const std::string& param() const { return param_; }

  // "code/detail: message" (or "ok"), for logs and test failure output.
  std::string to_string() const;

  // Lets MC_TRY treat Status and Result alike.
  const Status& status() const { return *this; }

  // Explicitly discards a status whose outcome does not matter to the caller.
  void ignore() const {}

 private:
  Code code_ = Code::ok;
  std::string detail_;
  std::string message_;
  std::string param_;
};

inline Status ok_status() {
  return Status();
}

// Shorthand constructors for the common classes.
Status invalid_argument(std::string detail, std::string message, std::string param = {});
Status not_found(std::string detail, std::string message);
Status failed_precondition(std::string detail, std::string message);
Status permission_denied(std::string detail, std::string message);
Status unauthenticated(std::string detail, std::string message);
Status aborted(std::string detail, std::string message);
Status out_of_range(std::string detail, std::string message, std::string param = {});
Status internal_error(std::string detail, std::string message);

// A value of type T, or a failure Status. Requires: a Result built from a Status is not ok.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  // The failure, or an ok Status when this holds a value.
  Status status() const { return ok() ? Status() : std::get<Status>(data_); }

  // Requires: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace mc

#define MC_STATUS_CONCAT_INNER(a, b) a##b
#define MC_STATUS_CONCAT(a, b) MC_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function if `expr` (a Status or Result) is not ok.
#define MC_TRY(expr)                                        \
  do {                                                      \
    auto&& mc_try_value_ = (expr);                          \
    if (!mc_try_value_.ok()) return mc_try_value_.status(); \
  } while (0)

#define MC_TRY_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                       \
  if (!tmp.ok()) return tmp.status();      \
  lhs = std::move(tmp).value()

// Evaluates `expr` (a Result<T>); on failure returns its Status, else assigns the value to lhs.
// `lhs` may be a declaration: MC_TRY_ASSIGN(Job job, load(id));
#define MC_TRY_ASSIGN(lhs, expr) \
  MC_TRY_ASSIGN_IMPL(MC_STATUS_CONCAT(mc_try_result_, __LINE__), lhs, expr)
