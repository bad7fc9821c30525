// server/delivery/webhook_delivery.cpp — the worker threads of webhook delivery.
//
// Worker 0 also queues new outbox events and purges old delivered rows; every worker claims
// due deliveries (the lease keeps two workers off the same one), sends them one by one and
// records each outcome. A stop request wakes idle workers at once; an attempt in flight ends
// within its timeout, and a claimed delivery that was not sent is retried after its lease.
#include "webhook_delivery.h"

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "webhook_client.h"

namespace mc::server::delivery {
namespace {

constexpr int64_t kPurgeIntervalMs = 60 * 60 * 1000;
constexpr int64_t kLeaseMarginMs = 5'000;

Status read_env(const char* name, int64_t minimum, int64_t maximum, int64_t& out) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return ok_status();
  const std::string_view value(text);
  int64_t parsed = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size() || parsed < minimum ||
      parsed > maximum) {
    return invalid_argument("bad_environment", std::string(name) + " must be an integer in [" +
                                                   std::to_string(minimum) + ", " +
                                                   std::to_string(maximum) + "]");
  }
  out = parsed;
  return ok_status();
}

std::string failure_kind(int32_t http_status) {
  if (http_status == 0) return "network";
  if (http_status >= 500 && http_status <= 599) return "http_5xx";
  if (http_status >= 400 && http_status <= 499) return "http_4xx";
  return "http_other";
}

class WebhookDeliveryComponent final : public BackgroundComponent {
 public:
  WebhookDeliveryComponent(ServerContext& context, WebhookDeliveryOptions options)
      : context_(context), options_(options) {}
  ~WebhookDeliveryComponent() override { stop(); }

  std::string name() const override { return "webhook-delivery"; }

  Status start() override {
    declare_metrics();
    stopping_ = false;
    for (int32_t i = 0; i < options_.workers; ++i) {
      threads_.emplace_back([this, i] { run_worker(i); });
    }
    return ok_status();
  }

  void stop() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  void declare_metrics() {
    Metrics& metrics = context_.metrics;
    metrics.declare("marketcore_webhook_attempts_total", "counter",
                    "Webhook delivery attempts by outcome (delivered, retry, dead).");
    metrics.declare("marketcore_webhook_failures_total", "counter",
                    "Failed webhook attempts by kind (network, http_4xx, http_5xx, http_other).");
    metrics.declare_histogram("marketcore_webhook_attempt_duration_seconds",
                              "Duration of one webhook attempt.",
                              {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
    metrics.declare("marketcore_outbox_lag_events", "gauge",
                    "Outbox events not yet queued for the slowest active webhook endpoint.");
    metrics.declare("marketcore_webhook_deliveries_pending", "gauge",
                    "Webhook deliveries waiting for an attempt.");
    metrics.declare("marketcore_webhook_deliveries_dead", "gauge",
                    "Webhook deliveries in the dead-letter list.");
    metrics.declare("marketcore_webhook_oldest_pending_seconds", "gauge",
                    "Age of the oldest pending webhook delivery.");
    ServerContext& context = context_;
    metrics.add_collector([&context](Metrics& out) {
      if (!context.engine) return;
      Result<WebhookBacklog> backlog = context.engine->webhooks().backlog();
      if (!backlog.ok()) return;
      const int64_t now_ms = context.clock->now_ms();
      out.set_gauge(
          "marketcore_outbox_lag_events", "",
          static_cast<double>(backlog->last_event_sequence - backlog->cursor_sequence_min));
      out.set_gauge("marketcore_webhook_deliveries_pending", "",
                    static_cast<double>(backlog->pending));
      out.set_gauge("marketcore_webhook_deliveries_dead", "", static_cast<double>(backlog->dead));
      const int64_t oldest_ms = backlog->oldest_pending_created_at_ms;
      out.set_gauge("marketcore_webhook_oldest_pending_seconds", "",
                    oldest_ms == 0 ? 0.0 : static_cast<double>(now_ms - oldest_ms) / 1000.0);
    });
  }

  void run_worker(int32_t index) {
    WebhookClient client(options_.attempt_timeout_ms, options_.response_bytes_max);
    std::mt19937_64 random(std::random_device{}());
    std::map<MarketId, bool> test_mode_of_market;
    int64_t next_purge_ms = 0;
    while (!stopping()) {
      WebhookRegistry webhooks = context_.engine->webhooks();
      if (index == 0) {
        webhooks.enqueue_new_events(options_.enqueue_events_max).status().ignore();
        const int64_t now_ms = context_.clock->now_ms();
        if (now_ms >= next_purge_ms) {
          webhooks.purge_delivered(now_ms - options_.delivered_retention_ms).status().ignore();
          next_purge_ms = now_ms + kPurgeIntervalMs;
        }
      }
      const int32_t sent = send_due(webhooks, client, random, test_mode_of_market);
      if (sent > 0) continue;  // more may be due right away
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms),
                     [this] { return stopping_; });
    }
  }

  // Claims and sends what is due; returns how many were sent.
  int32_t send_due(WebhookRegistry& webhooks, WebhookClient& client, std::mt19937_64& random,
                   std::map<MarketId, bool>& test_mode_of_market) {
    Result<std::optional<int64_t>> next_due = webhooks.next_due_at_ms();
    if (!next_due.ok() || !next_due.value() || *next_due.value() > context_.clock->now_ms()) {
      return 0;
    }
    const int64_t lease_ms = 2 * options_.attempt_timeout_ms + kLeaseMarginMs;
    Result<std::vector<DueWebhookDelivery>> claimed =
        webhooks.claim_due(lease_ms, options_.claim_batch_max);
    if (!claimed.ok()) return 0;
    int32_t sent = 0;
    for (const DueWebhookDelivery& due : claimed.value()) {
      if (stopping()) break;  // the lease brings the rest back after a restart
      auto known = test_mode_of_market.find(due.endpoint.market_id);
      if (known == test_mode_of_market.end()) {
        Result<Market> market = context_.engine->market(due.endpoint.market_id);
        if (!market.ok()) continue;
        known = test_mode_of_market.emplace(market->id, market->config.test_mode).first;
      }
      send_one(webhooks, client, due, known->second, random());
      ++sent;
    }
    return sent;
  }

  void send_one(WebhookRegistry& webhooks, WebhookClient& client, const DueWebhookDelivery& due,
                bool test_mode, uint64_t jitter) {
    const auto started = std::chrono::steady_clock::now();
    WebhookAttemptResult result = attempt(client, due, test_mode);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Metrics& metrics = context_.metrics;
    metrics.observe("marketcore_webhook_attempt_duration_seconds", "", seconds);
    if (result.http_status < 200 || result.http_status > 299) {
      metrics.add("marketcore_webhook_failures_total",
                  Metrics::label("kind", failure_kind(result.http_status)), 1);
    }
    Result<WebhookDelivery> recorded =
        webhooks.record_claimed_attempt(due.delivery, result, options_.retry, jitter);
    if (!recorded.ok()) return;  // the lease lapses and the attempt is made again
    const char* outcome = recorded->status == WebhookDeliveryStatus::delivered ? "delivered"
                          : recorded->status == WebhookDeliveryStatus::dead    ? "dead"
                                                                               : "retry";
    metrics.add("marketcore_webhook_attempts_total", Metrics::label("outcome", outcome), 1);
  }

  WebhookAttemptResult attempt(WebhookClient& client, const DueWebhookDelivery& due,
                               bool test_mode) {
    Result<WebhookUrl> url = check_webhook_url(due.endpoint.url, test_mode);
    if (!url.ok()) return {.http_status = 0, .error = url.status().message()};
    const auto renderer = context_.webhook_renderers.find(due.endpoint.market_id);
    if (renderer != context_.webhook_renderers.end()) {
      return attempt_rendered(client, due, renderer->second, std::move(url).value(), test_mode);
    }
    const std::string body = render_webhook_body(due.event);
    const int64_t now_ms = context_.clock->now_ms();
    auto headers = sign_webhook(due.endpoint, webhook_event_id(due.event.sequence), due.event.type,
                                body, now_ms);
    if (!headers.ok()) return {.http_status = 0, .error = headers.status().message()};
    return client.post({.url = std::move(url).value(),
                        .test_mode = test_mode,
                        .headers = std::move(headers).value(),
                        .body = body},
                       now_ms);
  }

  // A dialect's own body and headers (webhook_renderer.h); nullopt = not a recipient, so
  // nothing is sent and the delivery is recorded as done (204).
  WebhookAttemptResult attempt_rendered(WebhookClient& client, const DueWebhookDelivery& due,
                                        const WebhookRenderer& renderer, WebhookUrl url,
                                        bool test_mode) {
    Result<std::optional<RenderedWebhook>> rendered = renderer(due);
    if (!rendered.ok()) return {.http_status = 0, .error = rendered.status().message()};
    if (!rendered.value()) return {.http_status = 204, .error = "not a recipient"};
    return client.post({.url = std::move(url),
                        .test_mode = test_mode,
                        .headers = std::move(rendered.value()->headers),
                        .body = std::move(rendered.value()->body)},
                       context_.clock->now_ms());
  }

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stopping_;
  }

  ServerContext& context_;
  const WebhookDeliveryOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

Result<WebhookDeliveryOptions> options_from_environment() {
  WebhookDeliveryOptions options;
  int64_t workers = options.workers;
  MC_TRY(read_env("MARKETCORE_WEBHOOK_WORKERS", 1, 64, workers));
  options.workers = static_cast<int32_t>(workers);
  constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
  MC_TRY(read_env("MARKETCORE_WEBHOOK_TIMEOUT_MS", 100, 120'000, options.attempt_timeout_ms));
  MC_TRY(read_env("MARKETCORE_WEBHOOK_POLL_MS", 10, 60'000, options.poll_interval_ms));
  MC_TRY(read_env("MARKETCORE_WEBHOOK_RETRY_BASE_MS", 1, kDayMs, options.retry.delay_base_ms));
  MC_TRY(read_env("MARKETCORE_WEBHOOK_RETRY_MAX_MS", 1, kDayMs, options.retry.delay_max_ms));
  MC_TRY(read_env("MARKETCORE_WEBHOOK_RETRY_MIN_MS", 0, kDayMs, options.retry.delay_min_ms));
  MC_TRY(read_env("MARKETCORE_WEBHOOK_HORIZON_MS", 1, 30 * kDayMs, options.retry.horizon_ms));
  return options;
}

std::unique_ptr<BackgroundComponent> make_webhook_delivery(ServerContext& context,
                                                           WebhookDeliveryOptions options) {
  return std::make_unique<WebhookDeliveryComponent>(context, options);
}

}  // namespace mc::server::delivery
