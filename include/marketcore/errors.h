// marketcore/errors.h — the registry of stable detail codes: errors as data.
//
// Every failure marketcore returns carries a stable `detail` ("insufficient_funds",
// "wrong_state", "own_task", ...). This registry lists each detail once with the Code it is
// returned with, what a caller should do about it and whether retrying the identical call
// later may succeed. Dialects translate details with tables keyed by these names (see
// DetailTable below) instead of comparing strings in code, and the engine's own retry
// decisions (timers, holds) ask `is_transient`, so a client and the engine agree on what a
// retry can fix.
//
// Thread-safety: the registry is immutable static data; every function is thread-safe.
//
// Example:
//   const mc::ErrorInfo* info = mc::error_info(status.detail());
//   if (info && info->action == mc::CallerAction::add_funds) { ... }
//   if (mc::is_transient(status)) schedule_retry();
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "marketcore/status.h"

namespace mc {

// Details shared between the engine and the servers' transport (one spelling everywhere).
inline constexpr const char* kDetailIdempotencyKeyInvalid = "idempotency_key_invalid";

// What a caller should do about a failure.
enum class CallerAction : int32_t {
  fix_request = 0,           // the request is malformed or out of bounds: change it
  check_reference = 1,       // the job, party, market or key named does not exist (for you)
  use_existing = 2,          // it exists already: use the existing one, do not create again
  act_as_allowed_party = 3,  // this caller may not do this: only another role may
  authenticate = 4,          // identify (again): new token, new challenge, valid key
  wait_for_state = 5,        // not allowed in the current state: wait for or cause a change
  add_funds = 6,             // the balance does not cover it: deposit or buy credits first
  reread_and_retry = 7,      // a concurrent change won: read the current state, then decide
  retry_later = 8,           // transient: retry the same call later, with backoff
  report = 9,                // a bug, a misconfiguration or damaged data: retrying cannot help
};

// "fix_request", "add_funds", ... ("unknown" for a value outside the enum).
std::string_view caller_action_name(CallerAction action);

struct ErrorInfo {
  std::string_view detail;
  Code code = Code::internal;  // the class the detail is returned with
  // A second class some call returns the same detail with (e.g. "api_key_unknown" is
  // not_found from the key store and unauthenticated from ApiKeys::authenticate); ok: none.
  Code other_code = Code::ok;
  CallerAction action = CallerAction::report;
  bool transient = false;  // retrying the identical call later may succeed
};

// Every registered detail, sorted by detail.
std::span<const ErrorInfo> error_registry();

// The registry entry of `detail`, or nullptr when it is not registered.
const ErrorInfo* error_info(std::string_view detail);

// Whether retrying the identical call later may succeed: the registry's answer for the
// status' detail, else code_is_transient(status.code()). False for ok.
bool is_transient(const Status& status);

// A dialect's translation of details: a constexpr table of rows, looked up by detail.
// Example:
//   constexpr mc::DetailRow<int> kStatuses[] = {{"insufficient_funds", 402}, {"own_task", 403}};
//   std::optional<int> status = mc::lookup_detail(kStatuses, status.detail());
template <typename Value>
struct DetailRow {
  std::string_view detail;
  Value value;
};

template <typename Value, size_t N>
constexpr std::optional<Value> lookup_detail(const DetailRow<Value> (&table)[N],
                                             std::string_view detail) {
  for (const DetailRow<Value>& row : table) {
    if (row.detail == detail) return row.value;
  }
  return std::nullopt;
}

}  // namespace mc
