// server/delivery/webhook_delivery.h — the background component that sends webhooks.
//
// Worker threads (never the request I/O threads) loop: queue new outbox events for every
// active endpoint (WebhookRegistry::enqueue_new_events, a no-op read when nothing is new),
// claim due deliveries with a lease, POST each through their own WebhookClient signed afresh
// in the endpoint's scheme (mc::sign_webhook: native endpoints get Standard Webhooks headers
// with the stable event id), and record the outcome, which applies the library's retry policy.
// Rules — URL policy, retry and horizon, signing — are the library's; this file only moves
// bytes and counts them.
//
// Metrics: marketcore_webhook_attempts_total{outcome="delivered|retry|dead"},
// marketcore_webhook_failures_total{kind="network|http_4xx|http_5xx|http_other"},
// marketcore_webhook_attempt_duration_seconds, and at scrape time the gauges
// marketcore_outbox_lag_events (outbox head − the slowest active endpoint's cursor),
// marketcore_webhook_deliveries_pending, marketcore_webhook_deliveries_dead and
// marketcore_webhook_oldest_pending_seconds.
//
// Settings: defaults below, overridden by the environment (see options_from_environment).
//
// Thread-safety: start()/stop() from the server's main thread; the workers share only the
// engine and the metrics, both thread-safe.
#pragma once

#include <cstdint>
#include <memory>

#include "../background.h"
#include "../server_context.h"
#include "marketcore/webhooks.h"

namespace mc::server::delivery {

struct WebhookDeliveryOptions {
  int32_t workers = 2;                     // threads sending concurrently
  int64_t poll_interval_ms = 200;          // how often an idle worker looks for due work
  int64_t attempt_timeout_ms = 10'000;     // one attempt: resolve, connect, TLS, write, read
  int64_t response_bytes_max = 64 * 1024;  // of the receiver's answer
  int32_t claim_batch_max = 8;             // deliveries one worker claims at once
  int32_t enqueue_events_max = 500;        // outbox events read per endpoint per pass
  int64_t delivered_retention_ms = 7LL * 24 * 60 * 60 * 1000;  // then delivered rows go
  WebhookRetryPolicy retry;
};

// The defaults with these environment variables applied when set (decimal integers):
// MARKETCORE_WEBHOOK_WORKERS, MARKETCORE_WEBHOOK_TIMEOUT_MS, MARKETCORE_WEBHOOK_POLL_MS,
// MARKETCORE_WEBHOOK_RETRY_BASE_MS, MARKETCORE_WEBHOOK_RETRY_MAX_MS,
// MARKETCORE_WEBHOOK_RETRY_MIN_MS, MARKETCORE_WEBHOOK_HORIZON_MS.
// invalid_argument/"bad_environment" naming the variable when one is malformed or out of range.
Result<WebhookDeliveryOptions> options_from_environment();

std::unique_ptr<BackgroundComponent> make_webhook_delivery(ServerContext& context,
                                                           WebhookDeliveryOptions options);

}  // namespace mc::server::delivery
