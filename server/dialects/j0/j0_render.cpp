// server/dialects/j0/j0_render.cpp — JSON shapes of the j0 seed and its error table.
//
// Status codes: the seed lists 200, 400, 401, 403, 404, 429 and 500 only, so every refusal of
// a request that is well-formed but not allowed in the job's state (already accepted, timeout
// expired, insufficient credits) is 400 rather than the core table's 409/402. The code is the
// failure's stable detail in upper case; the body parser's details are all VALIDATION_ERROR.
#include "j0_render.h"

#include <chrono>
#include <cstdio>

#include "../../errors.h"
#include "marketcore/ethereum.h"

namespace mc::server::j0 {
namespace {

void optional_time(json::JsonWriter& out, std::string_view key, std::optional<int64_t> unix_ms) {
  out.key(key);
  if (unix_ms) {
    out.value(format_time(*unix_ms));
  } else {
    out.null();
  }
}

// The seed's error codes by detail: the body parser's details are all VALIDATION_ERROR; the
// login refusals keep their names; anything else unauthenticated is UNAUTHORIZED.
constexpr DetailRow<std::string_view> kCodeByDetail[] = {
    {"malformed_json", "VALIDATION_ERROR"},     {"body_not_object", "VALIDATION_ERROR"},
    {"missing_param", "VALIDATION_ERROR"},      {"invalid_type", "VALIDATION_ERROR"},
    {"invalid_value", "VALIDATION_ERROR"},      {"unknown_param", "VALIDATION_ERROR"},
    {"too_many_decimals", "VALIDATION_ERROR"},  {"invalid_decimal", "VALIDATION_ERROR"},
    {"validation_error", "VALIDATION_ERROR"},   {"invalid_id", "VALIDATION_ERROR"},
    {"invalid_signature", "INVALID_SIGNATURE"}, {"invalid_challenge", "INVALID_CHALLENGE"},
};

// Messages the seed words itself.
constexpr DetailRow<std::string_view> kMessageByDetail[] = {
    {kDetailRouteNotFound, "Not found"},
    {"missing_credentials", "Authentication required"},
};

int j0_http_status(const Status& status) {
  switch (status.code()) {
    case Code::invalid_argument:
    case Code::out_of_range:
    case Code::failed_precondition:
    case Code::aborted:
    case Code::already_exists:
      return status.detail() == kDetailMethodNotAllowed ? 405 : 400;
    default:
      return http_status_for(status);
  }
}

std::string error_code(const Status& status) {
  if (auto code = lookup_detail(kCodeByDetail, status.detail())) return std::string(*code);
  switch (status.code()) {
    case Code::unauthenticated:
      return "UNAUTHORIZED";
    case Code::internal:
    case Code::data_loss:
      return "INTERNAL_ERROR";
    default:
      return status.detail().empty() ? "ERROR" : ascii_upper(status.detail());
  }
}

std::string error_message(const Status& status) {
  if (status.code() == Code::internal || status.code() == Code::data_loss) {
    return "Internal server error";
  }
  if (auto message = lookup_detail(kMessageByDetail, status.detail())) {
    return std::string(*message);
  }
  return status.message();
}

}  // namespace

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string format_time(int64_t unix_ms) {
  using namespace std::chrono;
  const sys_seconds at{seconds{unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000}};
  const sys_days day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<seconds> time{at - day};
  char text[64];  // room for every field at its widest (GCC checks snprintf against that)
  std::snprintf(text, sizeof(text), "%04d-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(time.hours().count()),
                static_cast<long long>(time.minutes().count()),
                static_cast<long long>(time.seconds().count()));
  return text;
}

std::string checksum_address(const std::string& lower) {
  Result<eth::Address> address = eth::parse_address(lower);
  return address.ok() ? eth::to_checksum_address(address.value()) : lower;
}

void write_user(json::JsonWriter& out, const Party& party, bool login) {
  out.begin_object();
  out.key("id").value(party.id);
  out.key("public_key").value(checksum_address(party.wallet_address));
  if (login) {
    out.key("identity_type").value("ethereum_wallet");
    out.key("reputation_score").raw("0.0");
  }
  out.key("created_at").value(format_time(party.created_at_ms));
  out.end_object();
}

void write_job(json::JsonWriter& out, const Job& job) {
  out.begin_object();
  out.key("job_id").value(job.id);
  out.key("requester_id").value(job.poster_id);
  out.key("worker_id");
  if (job.worker_id) {
    out.value(*job.worker_id);
  } else {
    out.null();
  }
  out.key("capability").value(job.category);
  out.key("credits").value(job.amount_minor);
  out.key("timeout_sec").value(job.work_timeout_ms.value_or(0) / 1000);
  out.key("status").value(job.state);
  out.key("prompt").value(job.prompt);
  out.key("result");
  if (job.state == "completed" && !is_redacted(job, JobField::result)) {
    out.value(job.result_text);
  } else {
    out.null();
  }
  out.key("created_at").value(format_time(job.created_at_ms));
  out.key("expires_at").value(format_time(mc::j0::J0Market::expires_at_ms(job)));
  optional_time(out, "accepted_at", job.accepted_at_ms);
  optional_time(out, "completed_at", job.state == "completed" ? job.completed_at_ms : std::nullopt);
  out.end_object();
}

void write_posted_job(json::JsonWriter& out, const Job& job) {
  out.begin_object();
  out.key("job_id").value(job.id);
  out.key("requester_id").value(job.poster_id);
  out.key("capability").value(job.category);
  out.key("credits").value(job.amount_minor);
  out.key("timeout_sec").value(job.work_timeout_ms.value_or(0) / 1000);
  out.key("status").value(job.state);
  out.key("created_at").value(format_time(job.created_at_ms));
  out.key("expires_at").value(format_time(mc::j0::J0Market::expires_at_ms(job)));
  out.end_object();
}

Response render_j0_error(const Status& status) {
  json::JsonWriter out;
  out.begin_object();
  out.key("error").value(error_message(status));
  out.key("code").value(error_code(status));
  out.end_object();
  return Response::json(j0_http_status(status), std::move(out).take());
}

Response render_j0_rate_limited(int64_t retry_after_s) {
  json::JsonWriter out;
  out.begin_object();
  out.key("error").value("Rate limit exceeded");
  out.key("retry_after").value(retry_after_s);
  out.end_object();
  return Response::json(429, std::move(out).take());
}

}  // namespace mc::server::j0
