// WebhookRegistry over a real engine: endpoints, fan-out from the outbox, claims with a lease,
// retries, the horizon, the dead-letter list and its replay, the URL policy per market mode.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "marketcore/engine.h"
#include "marketcore/webhooks.h"
#include "webhook_fixture.h"

using namespace webhook_test;

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: endpoints get the events after their creation") {
  const mc::PartyId poster = party();
  deposit(poster, 100);  // before any endpoint: never delivered
  CHECK(enqueue() == 0);
  const mc::CreatedWebhookEndpoint all = create(std::nullopt);
  CHECK(all.secret.starts_with("whsec_"));
  CHECK(all.endpoint.cursor_sequence == webhooks.outbox_head().value());
  const mc::CreatedWebhookEndpoint mine = create(poster, {"balance.*"});
  const mc::PartyId other = party();
  const mc::CreatedWebhookEndpoint others = create(other, {"balance.updated"});
  const mc::CreatedWebhookEndpoint jobs_only = create(poster, {"job.posted"});

  deposit(poster, 200);
  const int64_t queued = enqueue();
  CHECK(enqueue() == 0);  // each event is queued once per endpoint
  const std::vector<mc::DueWebhookDelivery> due = claim();
  CHECK(static_cast<int64_t>(due.size()) == queued);
  int64_t to_all = 0;
  for (const mc::DueWebhookDelivery& item : due) {
    CHECK(item.delivery.event_sequence == item.event.sequence);
    CHECK(item.delivery.attempts == 0);
    CHECK(item.endpoint.secret.starts_with("whsec_"));
    if (item.endpoint.id == all.endpoint.id) ++to_all;
    if (item.endpoint.id == mine.endpoint.id) {
      CHECK(item.event.type == "balance.updated");
      CHECK(item.event.party_ids == std::vector<mc::PartyId>{poster});
    }
    CHECK(item.endpoint.id != others.endpoint.id);     // another party's event
    CHECK(item.endpoint.id != jobs_only.endpoint.id);  // another type
  }
  CHECK(to_all >= 1);
  CHECK(std::count_if(due.begin(), due.end(), [&](const mc::DueWebhookDelivery& item) {
          return item.endpoint.id == mine.endpoint.id;
        }) >= 1);
  // Leased: nothing more is due until the lease lapses.
  CHECK(claim().empty());
  clock->advance_ms(kLeaseMs);
  CHECK(claim().size() == due.size());

  auto listed = webhooks.endpoints(market.id, poster);
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK(listed->front().id == mine.endpoint.id);
  CHECK(webhooks.endpoints(market.id, std::nullopt)->size() == 4);
  REQUIRE(webhooks.delete_endpoint(mine.endpoint.id).ok());
  CHECK(webhooks.endpoints(market.id, poster)->size() == 1);
  CHECK(webhooks.delete_endpoint(999).detail() == "webhook_endpoint_not_found");
  clock->advance_ms(kLeaseMs);
  for (const mc::DueWebhookDelivery& item : claim()) {
    CHECK(item.endpoint.id != mine.endpoint.id);
  }
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: fails twice, delivered on the third attempt") {
  const mc::PartyId poster = party();
  create(poster, {"balance.updated"});
  deposit(poster, 100);
  REQUIRE(enqueue() == 1);
  auto due = claim();
  REQUIRE(due.size() == 1);
  const mc::WebhookDeliveryId id = due.front().delivery.id;

  mc::WebhookDelivery after = record(id, 500, 700);
  CHECK(after.status == WebhookDeliveryStatus::pending);
  CHECK(after.attempts == 1);
  CHECK(after.first_attempt_at_ms == clock->now_ms());
  CHECK(after.next_attempt_at_ms == clock->now_ms() + 700);
  CHECK(after.last_http_status == 500);
  CHECK(claim().empty());
  clock->advance_ms(700);
  REQUIRE(claim().size() == 1);
  after = record(id, 503, 1'500);  // second ceiling: 2 s
  CHECK(after.attempts == 2);
  CHECK(after.next_attempt_at_ms == clock->now_ms() + 1'500);
  clock->advance_ms(1'500);
  REQUIRE(claim().size() == 1);
  after = record(id, 200);
  CHECK(after.status == WebhookDeliveryStatus::delivered);
  CHECK(after.attempts == 3);
  clock->advance_ms(kLeaseMs);
  CHECK(claim().empty());
  // A late record of an already finished delivery changes nothing.
  CHECK(record(id, 500).status == WebhookDeliveryStatus::delivered);
  CHECK(webhooks.replay(id).status().detail() == "webhook_delivery_not_dead");
  // Delivered rows are purged after their retention.
  CHECK(webhooks.purge_delivered(clock->now_ms() + 1).value() == 1);
  CHECK(webhooks.delivery(id).status().detail() == "webhook_delivery_not_found");
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: the horizon ends in the dead-letter list; replay") {
  const mc::PartyId poster = party();
  create(poster, {"balance.updated"});
  deposit(poster, 100);
  REQUIRE(enqueue() == 1);
  mc::WebhookDeliveryId id = 0;
  int32_t attempts = 0;
  mc::WebhookDelivery state;
  do {
    auto due = claim();
    REQUIRE(due.size() == 1);
    id = due.front().delivery.id;
    state = webhooks
                .record_attempt(id, {.http_status = 0, .error = "connection refused"},
                                fast_policy(), 7'999)
                .value();
    ++attempts;
    REQUIRE(attempts < 30);
    if (state.status == WebhookDeliveryStatus::pending) clock->set_ms(state.next_attempt_at_ms);
  } while (state.status == WebhookDeliveryStatus::pending);
  CHECK(state.status == WebhookDeliveryStatus::dead);
  CHECK(state.last_error == "connection refused");
  CHECK(state.next_attempt_at_ms == 0);
  CHECK(clock->now_ms() - state.first_attempt_at_ms <= fast_policy().horizon_ms);
  CHECK(attempts >= 5);

  auto dead = webhooks.deliveries({.market_id = market.id, .status = WebhookDeliveryStatus::dead});
  REQUIRE(dead.ok());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().id == id);
  CHECK(webhooks.backlog()->dead == 1);
  CHECK(webhooks.deliveries({.market_id = market.id, .party_id = poster + 100})->empty());

  auto replayed = webhooks.replay(id);
  REQUIRE(replayed.ok());
  CHECK(replayed->status == WebhookDeliveryStatus::pending);
  CHECK(replayed->attempts == 0);
  CHECK(webhooks.backlog()->pending == 1);
  auto due = claim();
  REQUIRE(due.size() == 1);
  CHECK(record(id, 204).status == WebhookDeliveryStatus::delivered);
  CHECK(webhooks.replay(424242).status().detail() == "webhook_delivery_not_found");
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: a 4xx other than 408 and 429 is dead at once") {
  const mc::PartyId poster = party();
  const auto created = create(poster, {"balance.updated"});
  deposit(poster, 100);
  REQUIRE(enqueue() == 1);
  const mc::WebhookDeliveryId id = claim().front().delivery.id;
  CHECK(record(id, 410).status == WebhookDeliveryStatus::dead);
  REQUIRE(webhooks.delete_endpoint(created.endpoint.id).ok());
  CHECK(webhooks.replay(id).status().detail() == "webhook_endpoint_inactive");
}

TEST_CASE_FIXTURE(WebhookFixture, "webhooks: registration applies the market's URL policy") {
  mc::MarketConfig production = mc::builtin_market_config("agentmarket").value();
  production.name = "production";
  production.test_mode = false;
  const mc::Market live = engine->create_market(production).value();
  auto refused = [&](mc::MarketId market_id, const char* url) {
    auto result = webhooks.create_endpoint({.market_id = market_id, .url = url});
    return result.ok() ? std::string("ok") : result.status().detail();
  };
  CHECK(refused(live.id, "http://127.0.0.1:9/hook") == "webhook_url_not_https");
  CHECK(refused(live.id, "https://10.0.0.7/in") == "webhook_url_forbidden_address");
  CHECK(refused(live.id, "https://[::1]/in") == "webhook_url_forbidden_address");
  CHECK(refused(live.id, "https://localhost/in") == "webhook_url_forbidden_address");
  CHECK(refused(live.id, "https://user:pw@hooks.example.com/in") == "webhook_url_invalid");
  CHECK(refused(live.id, "https://93.184.216.34/in") == "ok");
  // Names are not resolved at registration (no DNS in the request path): a name that does not
  // resolve registers, and its addresses are judged when a delivery connects.
  CHECK(refused(live.id, "https://hooks.invalid/in") == "ok");
  CHECK(refused(market.id, "http://localhost:8080/in") == "ok");
  CHECK(refused(market.id, "https://192.168.0.2/in") == "webhook_url_forbidden_address");
  CHECK(refused(424242, "https://hooks.example.com/in") == "market_not_found");
  auto bad_types = webhooks.create_endpoint(
      {.market_id = market.id, .url = "http://127.0.0.1/", .event_types = {"Job Posted"}});
  CHECK(bad_types.status().detail() == "webhook_event_types_invalid");
  auto bad_header = webhooks.create_endpoint(
      {.market_id = market.id, .url = "http://127.0.0.1/", .signature_header = "x: y"});
  CHECK(bad_header.status().detail() == "webhook_signature_header_invalid");
  const mc::PartyId stranger = party();
  auto wrong_party = webhooks.create_endpoint(
      {.market_id = live.id, .party_id = stranger, .url = "https://8.8.8.8/"});
  CHECK(wrong_party.status().detail() == "party_not_found");
}
