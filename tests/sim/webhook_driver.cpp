// The simulator's webhook delivery driver (webhook_driver.h).
#include "sim/webhook_driver.h"

#include <algorithm>
#include <set>

namespace mc::sim {
namespace {

std::string name_of(WebhookDeliveryStatus status) {
  return std::string(webhook_delivery_status_name(status));
}

}  // namespace

void WebhookDriver::setup(Engine& engine, const std::vector<MarketId>& markets) {
  WebhookRegistry webhooks = engine.webhooks();
  for (MarketId market : markets) {
    auto created = webhooks.create_endpoint(
        {.market_id = market,
         .url = "https://hooks.example.com/sim/market-" + std::to_string(market)});
    if (!created.ok()) {
      fail_("webhooks", "endpoint not created: " + created.status().to_string());
      return;
    }
    endpoints_[market] = created->endpoint.id;
  }
}

void WebhookDriver::step(Engine& engine, Rng& rng) {
  enqueue(engine);
  // A hung attempt's answer, reported late (after its lease lapsed, maybe after another
  // worker's attempt): at-least-once, and nothing changes for a finished delivery.
  if (!hung_.empty() && rng.percent(20)) {
    const size_t at = static_cast<size_t>(rng.below(static_cast<int64_t>(hung_.size())));
    const auto [id, result] = hung_[at];
    hung_.erase(hung_.begin() + static_cast<long>(at));
    record(engine, id, result, static_cast<uint64_t>(rng.below(1'000'000)), true);
  }
  claim(engine, rng);
}

void WebhookDriver::enqueue(Engine& engine) {
  // The market events written since the last pass: each must be queued exactly once for its
  // market's endpoint.
  while (true) {
    auto events = engine.events({.after_sequence = event_cursor_, .limit = 1000});
    if (!events.ok()) return fail_("webhooks", "events unreadable: " + events.status().to_string());
    for (const Event& event : *events) {
      event_cursor_ = event.sequence;
      if (endpoints_.contains(event.market_id)) ++expected_queued_;
    }
    if (events->size() < 1000) break;
  }
  WebhookRegistry webhooks = engine.webhooks();
  int64_t queued = 0;
  for (int pass = 0; pass < 100; ++pass) {
    auto added = webhooks.enqueue_new_events(1000);
    if (!added.ok()) {
      return fail_("webhooks", "enqueue_new_events failed: " + added.status().to_string());
    }
    if (*added == 0) break;
    queued += *added;
  }
  count_("webhooks");
  if (queued != expected_queued_) {
    fail_("webhooks", std::to_string(expected_queued_) + " market events to queue, " +
                          std::to_string(queued) + " queued");
  }
  expected_queued_ = 0;
  unclaimed_ += queued;
}

void WebhookDriver::claim(Engine& engine, Rng& rng) {
  const int64_t now = engine.clock().now_ms();
  constexpr int32_t kLimit = 16;
  auto claimed = engine.webhooks().claim_due(kLeaseMs, kLimit);
  if (!claimed.ok()) return fail_("webhooks", "claim_due failed: " + claimed.status().to_string());
  std::set<WebhookDeliveryId> handed;
  for (const DueWebhookDelivery& due : *claimed) {
    const WebhookDeliveryId id = due.delivery.id;
    handed.insert(id);
    count_("webhooks");
    auto found = deliveries_.find(id);
    if (found == deliveries_.end()) {
      // Queued since: a new delivery is due at once. Exactly once per endpoint and event.
      if (unclaimed_ <= 0 || due.delivery.attempts != 0 ||
          due.delivery.status != WebhookDeliveryStatus::pending ||
          !queued_.insert({due.endpoint.id, due.event.sequence}).second) {
        return fail_("webhooks", "claimed delivery " + std::to_string(id) + " of event " +
                                     std::to_string(due.event.sequence) + " was not queued once (" +
                                     std::to_string(unclaimed_) +
                                     " queued deliveries not yet claimed)");
      }
      --unclaimed_;
      found = deliveries_
                  .emplace(id, Model{.endpoint = due.endpoint.id,
                                     .event_sequence = due.event.sequence,
                                     .next_attempt_at_ms = due.delivery.created_at_ms})
                  .first;
      pending_.insert(id);
    }
    Model& model = found->second;
    if (model.status != WebhookDeliveryStatus::pending || model.next_attempt_at_ms > now ||
        model.leased_until_ms > now) {
      return fail_("webhooks",
                   "delivery " + std::to_string(id) + " (" + name_of(model.status) +
                       ", next attempt in " + std::to_string(model.next_attempt_at_ms - now) +
                       " ms, leased for " + std::to_string(model.leased_until_ms - now) +
                       " ms) was handed out");
    }
    if (due.event.sequence != model.event_sequence || due.endpoint.id != model.endpoint) {
      return fail_("webhooks", "delivery " + std::to_string(id) + " carries another event");
    }
    model.leased_until_ms = now + kLeaseMs;
    model.next_attempt_at_ms = now + kLeaseMs;
    // The receiver's answer.
    WebhookAttemptResult result;
    const int64_t roll = rng.below(100);
    if (roll < 15) {  // hangs: the worker gives up without reporting; the lease lapses
      result = {.http_status = 0, .error = "timed out (late answer)"};
      hung_.emplace_back(id, result);
      continue;
    }
    if (roll < 55) {
      result.http_status = 200;
    } else if (roll < 70) {
      result = {.http_status = rng.percent(50) ? 500 : 503, .error = "server error"};
    } else if (roll < 78) {
      result = {
          .http_status = 429, .error = "slow down", .retry_after_ms = rng.between(0, 600'000)};
    } else if (roll < 93) {
      result = {.http_status = 0, .error = "connection refused"};
    } else {
      result = {.http_status = rng.percent(50) ? 410 : 400, .error = "gone"};
    }
    record(engine, id, result, static_cast<uint64_t>(rng.below(1'000'000'000)), false);
  }
  // Every delivery due and not leased was handed out (when the limit did not stop it).
  if (static_cast<int32_t>(claimed->size()) < kLimit) {
    count_("webhooks");
    if (unclaimed_ != 0) {
      return fail_("webhooks", std::to_string(unclaimed_) + " queued deliveries not handed out");
    }
    for (WebhookDeliveryId id : pending_) {
      const Model& model = deliveries_.at(id);
      if (handed.contains(id)) continue;
      count_("webhooks");
      if (model.next_attempt_at_ms <= now && model.leased_until_ms <= now) {
        return fail_("webhooks", "delivery " + std::to_string(id) + " was due " +
                                     std::to_string(now - model.next_attempt_at_ms) +
                                     " ms ago but not handed out");
      }
    }
  }
}

void WebhookDriver::record(Engine& engine, WebhookDeliveryId id, const WebhookAttemptResult& result,
                           uint64_t random, bool late) {
  const int64_t now = engine.clock().now_ms();
  Model& model = deliveries_.at(id);
  auto recorded = engine.webhooks().record_attempt(id, result, policy_, random);
  ++attempts_;
  recorded_.insert(id);
  count_("webhooks");
  if (!recorded.ok()) {
    return fail_("webhooks", "record_attempt failed: " + recorded.status().to_string());
  }
  const WebhookDelivery& row = *recorded;
  if (model.status != WebhookDeliveryStatus::pending) {
    // A late answer to a finished delivery changes nothing.
    if (row.status != model.status || row.attempts != model.attempts) {
      fail_("webhooks", "a late answer moved finished delivery " + std::to_string(id) + " to " +
                            name_of(row.status) + " with " + std::to_string(row.attempts) +
                            " attempts");
    }
    return;
  }
  if (model.first_attempt_at_ms == 0) model.first_attempt_at_ms = now;
  model.attempts += 1;
  model.leased_until_ms = 0;
  const int32_t code = result.http_status;
  const bool retryable = code == 0 || code >= 500 || code == 408 || code == 429;
  std::string wrong;
  if (row.attempts != model.attempts) wrong = "attempts " + std::to_string(row.attempts);
  if (code >= 200 && code < 300) {
    if (row.status != WebhookDeliveryStatus::delivered) wrong += " not delivered on a 2xx";
  } else if (!retryable) {
    if (row.status != WebhookDeliveryStatus::dead) wrong += " not dead on " + std::to_string(code);
  } else if (row.status == WebhookDeliveryStatus::pending) {
    const int64_t earliest =
        now + std::max(policy_.delay_min_ms, result.retry_after_ms.value_or(0));
    const int64_t ceiling =
        std::min(policy_.delay_max_ms, policy_.delay_base_ms << std::min(model.attempts - 1, 40));
    const int64_t latest =
        now + std::max({policy_.delay_min_ms, ceiling, result.retry_after_ms.value_or(0)});
    if (row.next_attempt_at_ms < earliest || row.next_attempt_at_ms > latest) {
      wrong += " next attempt in " + std::to_string(row.next_attempt_at_ms - now) + " ms";
    }
    if (row.next_attempt_at_ms > model.first_attempt_at_ms + policy_.horizon_ms) {
      wrong += " pending past the horizon";
    }
  } else if (row.status == WebhookDeliveryStatus::dead) {
    const int64_t ceiling =
        std::min(policy_.delay_max_ms, policy_.delay_base_ms << std::min(model.attempts - 1, 40));
    const int64_t latest =
        now + std::max({policy_.delay_min_ms, ceiling, result.retry_after_ms.value_or(0)});
    if (latest <= model.first_attempt_at_ms + policy_.horizon_ms) {
      wrong += " dead on a retryable answer although every next attempt falls in the horizon";
    }
  } else {
    wrong += " delivered on " + std::to_string(code);
  }
  if (!wrong.empty()) {
    fail_("webhooks", std::string(late ? "late " : "") + "attempt of delivery " +
                          std::to_string(id) + " (" + std::to_string(code) + "):" + wrong);
  }
  model.status = row.status;
  model.next_attempt_at_ms = row.next_attempt_at_ms;
  if (model.status != WebhookDeliveryStatus::pending) pending_.erase(id);
}

void WebhookDriver::check_durable(Engine& engine) {
  // The deliveries attempted since the last reopen (the others were checked then).
  WebhookRegistry webhooks = engine.webhooks();
  for (WebhookDeliveryId id : recorded_) {
    auto row = webhooks.delivery(id);
    count_("durable");
    if (!row.ok()) return fail_("durable", "delivery unreadable: " + row.status().to_string());
    check_row(*row, deliveries_.at(id), "durable");
  }
  recorded_.clear();
}

void WebhookDriver::check_row(const WebhookDelivery& row, const Model& model,
                              const char* invariant) {
  if (row.status != model.status || row.attempts != model.attempts ||
      (model.status == WebhookDeliveryStatus::pending && model.leased_until_ms == 0 &&
       row.next_attempt_at_ms != model.next_attempt_at_ms)) {
    fail_(invariant, "delivery " + std::to_string(row.id) + " is " + name_of(row.status) +
                         " after " + std::to_string(row.attempts) + " attempts; the model has " +
                         name_of(model.status) + " after " + std::to_string(model.attempts));
  }
}

}  // namespace mc::sim
