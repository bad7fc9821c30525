// The webhook retry policy: which answers are retried, exponential backoff with full jitter
// (AWS architecture blog, "Exponential Backoff And Jitter": sleep = uniform[0, min(cap,
// base × 2^attempt)]), Retry-After honoured, and a horizon past which a delivery is dead.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

#include "marketcore/webhooks.h"

namespace mc {
namespace {

// min(delay_max, delay_base × 2^(attempts_made − 1)) without overflow.
int64_t backoff_ceiling_ms(const WebhookRetryPolicy& policy, int32_t attempts_made) {
  int64_t ceiling_ms = std::max<int64_t>(policy.delay_base_ms, 1);
  for (int32_t i = 1; i < attempts_made && ceiling_ms < policy.delay_max_ms; ++i) {
    ceiling_ms *= 2;
  }
  return std::min(ceiling_ms, policy.delay_max_ms);
}

int month_index(std::string_view name) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i) {
    if (kMonths[i] == name) return i;
  }
  return -1;
}

std::optional<int> parse_digits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "Wed, 21 Oct 2015 07:28:00 GMT" (IMF-fixdate, RFC 9110 §5.6.7) → Unix milliseconds.
std::optional<int64_t> parse_imf_fixdate_ms(std::string_view text) {
  if (text.size() != 29 || text[3] != ',' || text[4] != ' ' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  const auto day = parse_digits(text.substr(5, 2));
  const int month = month_index(text.substr(8, 3));
  const auto year = parse_digits(text.substr(12, 4));
  const auto hour = parse_digits(text.substr(17, 2));
  const auto minute = parse_digits(text.substr(20, 2));
  const auto second = parse_digits(text.substr(23, 2));
  if (!day || month < 0 || !year || !hour || !minute || !second) return std::nullopt;
  if (text[7] != ' ' || text[11] != ' ' || text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return std::nullopt;
  }
  if (*day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
  std::tm parts{};
  parts.tm_year = *year - 1900;
  parts.tm_mon = month;
  parts.tm_mday = *day;
  parts.tm_hour = *hour;
  parts.tm_min = *minute;
  parts.tm_sec = *second;
  const time_t seconds = timegm(&parts);
  if (seconds == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(seconds) * 1000;
}

}  // namespace

bool webhook_attempt_retryable(int32_t http_status) {
  return http_status == 0 || http_status == 408 || http_status == 429 ||
         (http_status >= 500 && http_status <= 599);
}

WebhookRetryDecision decide_webhook_retry(const WebhookRetryPolicy& policy, int32_t attempts_made,
                                          int64_t first_attempt_at_ms, int64_t now_ms,
                                          const WebhookAttemptResult& result, uint64_t random) {
  if (result.http_status >= 200 && result.http_status <= 299) {
    return {.status = WebhookDeliveryStatus::delivered, .next_attempt_at_ms = 0};
  }
  if (!webhook_attempt_retryable(result.http_status)) {
    return {.status = WebhookDeliveryStatus::dead, .next_attempt_at_ms = 0};
  }
  const int64_t ceiling_ms = backoff_ceiling_ms(policy, std::max(attempts_made, 1));
  const int64_t jitter_ms = static_cast<int64_t>(random % (static_cast<uint64_t>(ceiling_ms) + 1));
  int64_t delay_ms = std::max(jitter_ms, policy.delay_min_ms);
  if (result.retry_after_ms) delay_ms = std::max(delay_ms, *result.retry_after_ms);
  const int64_t horizon_end_ms = first_attempt_at_ms + policy.horizon_ms;
  if (delay_ms > horizon_end_ms - now_ms) {
    return {.status = WebhookDeliveryStatus::dead, .next_attempt_at_ms = 0};
  }
  return {.status = WebhookDeliveryStatus::pending, .next_attempt_at_ms = now_ms + delay_ms};
}

std::optional<int64_t> parse_retry_after_ms(std::string_view value, int64_t now_ms) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    int64_t seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    // A year is far past any horizon; clamp so the multiplication cannot overflow.
    constexpr int64_t kSecondsMax = 366LL * 24 * 60 * 60;
    return std::min(seconds, kSecondsMax) * 1000;
  }
  const std::optional<int64_t> at_ms = parse_imf_fixdate_ms(value);
  if (!at_ms) return std::nullopt;
  return std::max<int64_t>(*at_ms - now_ms, 0);
}

}  // namespace mc
