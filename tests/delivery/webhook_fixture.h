// The webhook test fixture shared by the delivery tests: an Engine on a ManualClock over a
// fresh SQLite file with the built-in j0 market (test mode) and its WebhookRegistry, with
// helpers that register parties, write events, create endpoints, enqueue, claim and record.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "marketcore/engine.h"
#include "marketcore/webhooks.h"

namespace webhook_test {

using mc::WebhookDeliveryStatus;

inline constexpr int64_t kLeaseMs = 30'000;

inline mc::WebhookRetryPolicy fast_policy() {
  return {.delay_base_ms = 1'000, .delay_max_ms = 8'000, .delay_min_ms = 100, .horizon_ms = 60'000};
}

// An engine on a ManualClock over a fresh database, with the built-in j0 market (test mode).
struct WebhookFixture {
  WebhookFixture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "marketcore_webhooks_XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    directory = pattern;
    auto opened = mc::Engine::open({.database_path = directory + "/market.db",
                                    .clock = clock,
                                    .durability = mc::Durability::normal});
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    engine = std::move(opened).value();
    market = engine->ensure_market(mc::builtin_market_config("j0").value()).value();
    webhooks = engine->webhooks();
  }
  ~WebhookFixture() {
    engine.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }

  mc::PartyId party() {
    auto registered = engine->register_party({.market_id = market.id, .kind = "agent"});
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    return registered->id;
  }
  // Writes a balance.updated event concerning `party`.
  void deposit(mc::PartyId party, int64_t amount_minor) {
    auto deposited =
        engine->deposit({.market_id = market.id, .party_id = party, .amount_minor = amount_minor});
    REQUIRE_MESSAGE(deposited.ok(), deposited.status().to_string());
  }

  std::string directory;
  std::shared_ptr<mc::ManualClock> clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
  std::unique_ptr<mc::Engine> engine;
  mc::Market market;
  mc::WebhookRegistry webhooks{nullptr, nullptr};

  mc::CreatedWebhookEndpoint create(std::optional<mc::PartyId> party,
                                    std::vector<std::string> types = {}) {
    auto created = webhooks.create_endpoint({.market_id = market.id,
                                             .party_id = party,
                                             .url = "http://127.0.0.1:9/hook",
                                             .event_types = std::move(types)});
    REQUIRE_MESSAGE(created.ok(), created.status().to_string());
    return std::move(created).value();
  }
  std::vector<mc::DueWebhookDelivery> claim() {
    auto claimed = webhooks.claim_due(kLeaseMs, 100);
    REQUIRE_MESSAGE(claimed.ok(), claimed.status().to_string());
    return std::move(claimed).value();
  }
  int64_t enqueue() {
    auto queued = webhooks.enqueue_new_events(1000);
    REQUIRE_MESSAGE(queued.ok(), queued.status().to_string());
    return queued.value();
  }
  mc::WebhookDelivery record(mc::WebhookDeliveryId id, int32_t http_status, uint64_t random = 0) {
    auto recorded = webhooks.record_attempt(id, {.http_status = http_status, .error = "answer"},
                                            fast_policy(), random);
    REQUIRE_MESSAGE(recorded.ok(), recorded.status().to_string());
    return recorded.value();
  }
};

}  // namespace webhook_test
