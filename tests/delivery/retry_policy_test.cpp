// The webhook retry policy: which answers retry, backoff with full jitter, Retry-After, horizon.
#include <doctest/doctest.h>

#include "marketcore/webhooks.h"

namespace {

using mc::decide_webhook_retry;
using mc::WebhookAttemptResult;
using mc::WebhookDeliveryStatus;
using mc::WebhookRetryPolicy;

constexpr int64_t kNowMs = 1'700'000'000'000;

WebhookRetryPolicy policy() {
  return {
      .delay_base_ms = 1'000, .delay_max_ms = 60'000, .delay_min_ms = 100, .horizon_ms = 3'600'000};
}

}  // namespace

TEST_CASE("webhook retry: 2xx delivers, retryable answers retry, the rest are dead") {
  CHECK(mc::webhook_attempt_retryable(0));
  CHECK(mc::webhook_attempt_retryable(408));
  CHECK(mc::webhook_attempt_retryable(429));
  CHECK(mc::webhook_attempt_retryable(500));
  CHECK(mc::webhook_attempt_retryable(503));
  CHECK(mc::webhook_attempt_retryable(599));
  for (int status : {200, 301, 302, 400, 401, 403, 404, 410, 422, 600}) {
    CHECK_FALSE(mc::webhook_attempt_retryable(status));
  }
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, {.http_status = 204}, 7).status ==
        WebhookDeliveryStatus::delivered);
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, {.http_status = 500}, 7).status ==
        WebhookDeliveryStatus::pending);
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, {.http_status = 0}, 7).status ==
        WebhookDeliveryStatus::pending);
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, {.http_status = 404}, 7).status ==
        WebhookDeliveryStatus::dead);
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, {.http_status = 302}, 7).status ==
        WebhookDeliveryStatus::dead);
}

TEST_CASE("webhook retry: the jitter ceiling doubles per attempt up to delay_max") {
  const WebhookAttemptResult failed{.http_status = 503};
  // random = UINT64_MAX % (ceiling + 1) spans the range; check the bounds attempt by attempt.
  for (int32_t attempt = 1; attempt <= 12; ++attempt) {
    int64_t ceiling_ms = 1'000;
    for (int32_t i = 1; i < attempt; ++i) ceiling_ms = std::min<int64_t>(ceiling_ms * 2, 60'000);
    int64_t largest_ms = 0;
    int64_t smallest_ms = INT64_MAX;
    for (uint64_t random = 0; random < 5000; random += 7) {
      const auto decision =
          decide_webhook_retry(policy(), attempt, kNowMs, kNowMs, failed, random * 2654435761ULL);
      REQUIRE(decision.status == WebhookDeliveryStatus::pending);
      const int64_t delay_ms = decision.next_attempt_at_ms - kNowMs;
      largest_ms = std::max(largest_ms, delay_ms);
      smallest_ms = std::min(smallest_ms, delay_ms);
    }
    CHECK(largest_ms <= ceiling_ms);
    CHECK(largest_ms > ceiling_ms / 2);  // the draw spreads over the whole range
    CHECK(smallest_ms >= 100);           // never below delay_min
  }
  // A random draw of exactly the ceiling gives the ceiling; 0 gives delay_min.
  CHECK(decide_webhook_retry(policy(), 3, kNowMs, kNowMs, failed, 4'000).next_attempt_at_ms ==
        kNowMs + 4'000);
  CHECK(decide_webhook_retry(policy(), 3, kNowMs, kNowMs, failed, 0).next_attempt_at_ms ==
        kNowMs + 100);
  // A huge attempt count does not overflow.
  CHECK(decide_webhook_retry(policy(), 1'000'000, kNowMs, kNowMs, failed, 60'000)
            .next_attempt_at_ms == kNowMs + 60'000);
}

TEST_CASE("webhook retry: Retry-After is honoured as a lower bound") {
  const WebhookAttemptResult limited{.http_status = 429, .error = "", .retry_after_ms = 30'000};
  const auto decision = decide_webhook_retry(policy(), 1, kNowMs, kNowMs, limited, 5);
  CHECK(decision.status == WebhookDeliveryStatus::pending);
  CHECK(decision.next_attempt_at_ms == kNowMs + 30'000);
  // A shorter Retry-After than the jittered delay keeps the jittered delay.
  const WebhookAttemptResult soon{.http_status = 503, .error = "", .retry_after_ms = 1};
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, soon, 800).next_attempt_at_ms ==
        kNowMs + 800);
}

TEST_CASE("webhook retry: a next attempt past the horizon is dead") {
  const WebhookAttemptResult failed{.http_status = 500};
  const int64_t first_ms = kNowMs - 3'599'000;  // 1 s of the horizon left
  CHECK(decide_webhook_retry(policy(), 9, first_ms, kNowMs, failed, 999).status ==
        WebhookDeliveryStatus::pending);
  CHECK(decide_webhook_retry(policy(), 9, first_ms, kNowMs, failed, 1'001).status ==
        WebhookDeliveryStatus::dead);
  const WebhookAttemptResult far{.http_status = 429, .error = "", .retry_after_ms = 7'200'000};
  CHECK(decide_webhook_retry(policy(), 1, kNowMs, kNowMs, far, 1).status ==
        WebhookDeliveryStatus::dead);
}

TEST_CASE("webhook retry: Retry-After parsing") {
  CHECK(mc::parse_retry_after_ms("120", kNowMs) == 120'000);
  CHECK(mc::parse_retry_after_ms(" 0 ", kNowMs) == 0);
  CHECK(mc::parse_retry_after_ms("99999999999999999999", kNowMs) == std::nullopt);
  CHECK(mc::parse_retry_after_ms("9999999999", kNowMs) == 366LL * 24 * 3600 * 1000);
  CHECK(mc::parse_retry_after_ms("-5", kNowMs) == std::nullopt);
  CHECK(mc::parse_retry_after_ms("1.5", kNowMs) == std::nullopt);
  CHECK(mc::parse_retry_after_ms("", kNowMs) == std::nullopt);
  // 1445412480000 = Wed, 21 Oct 2015 07:28:00 GMT.
  const int64_t date_ms = 1'445'412'480'000;
  CHECK(mc::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", date_ms - 5'000) == 5'000);
  CHECK(mc::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", date_ms + 5'000) == 0);
  CHECK(mc::parse_retry_after_ms("Wed, 21 Foo 2015 07:28:00 GMT", date_ms) == std::nullopt);
  CHECK(mc::parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 UTC", date_ms) == std::nullopt);
}
