// The store's webhook methods (src/store/sqlite/webhooks_sql.cpp) directly: endpoint rows and
// cursors, one delivery per (endpoint, event), due order, updates, purge and the backlog.
#include <doctest/doctest.h>

#include "store/store_fixture.h"

namespace {

using mc::WebhookDelivery;
using mc::WebhookDeliveryStatus;
using mc::WebhookEndpoint;
using mc::store::Reader;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

int64_t append_event(StoreFixture& fixture, const char* type, std::vector<mc::PartyId> parties) {
  return fixture.write_value<int64_t>([&](Transaction& tx) {
    return tx.append_event({.market_id = fixture.market, .type = type, .party_ids = parties});
  });
}

}  // namespace

TEST_CASE("store: webhook endpoints, deliveries and the backlog") {
  StoreFixture fixture;
  const mc::PartyId party = fixture.add_party();
  const int64_t first = append_event(fixture, "job.posted", {party});
  const mc::WebhookEndpointId endpoint_id =
      fixture.write_value<mc::WebhookEndpointId>([&](Transaction& tx) {
        return tx.insert_webhook_endpoint({.market_id = fixture.market,
                                           .party_id = party,
                                           .url = "https://hooks.example.com/in",
                                           .secret = "whsec_x",
                                           .scheme = mc::WebhookScheme::sha256,
                                           .signature_header = "x-sig",
                                           .event_types = {"job.*", "balance.updated"},
                                           .cursor_sequence = first});
      });
  const WebhookEndpoint endpoint = fixture.read_value<WebhookEndpoint>(
      [&](Reader& reader) { return reader.webhook_endpoint(endpoint_id); });
  CHECK(endpoint.party_id == party);
  CHECK(endpoint.scheme == mc::WebhookScheme::sha256);
  CHECK(endpoint.signature_header == "x-sig");
  CHECK(endpoint.event_types == std::vector<std::string>{"job.*", "balance.updated"});
  CHECK(endpoint.active);
  CHECK(endpoint.cursor_sequence == first);
  CHECK(endpoint.created_at_ms == fixture.now_ms);

  // The cursor never moves backwards.
  REQUIRE(fixture
              .write([&](Transaction& tx) {
                return tx.set_webhook_endpoint_cursor(endpoint_id, first - 1);
              })
              .ok());
  CHECK(fixture
            .read_value<WebhookEndpoint>([&](Reader& r) { return r.webhook_endpoint(endpoint_id); })
            .cursor_sequence == first);

  const int64_t second = append_event(fixture, "job.accepted", {party});
  auto insert = [&](int64_t sequence, int64_t next_ms) {
    return fixture.write_value<bool>([&](Transaction& tx) {
      return tx.insert_webhook_delivery({.endpoint_id = endpoint_id,
                                         .market_id = fixture.market,
                                         .event_sequence = sequence,
                                         .event_type = "job.accepted",
                                         .next_attempt_at_ms = next_ms});
    });
  };
  CHECK(insert(second, fixture.now_ms + 10));
  CHECK(insert(first, fixture.now_ms));
  CHECK_FALSE(insert(second, fixture.now_ms));  // once per (endpoint, event)

  auto due = fixture.write_value<std::vector<WebhookDelivery>>(
      [](Transaction& tx) { return tx.due_webhook_deliveries(10); });
  REQUIRE(due.size() == 1);
  CHECK(due.front().event_sequence == first);
  fixture.now_ms += 10;
  due = fixture.write_value<std::vector<WebhookDelivery>>(
      [](Transaction& tx) { return tx.due_webhook_deliveries(10); });
  REQUIRE(due.size() == 2);
  CHECK(due[0].event_sequence == first);  // earliest next attempt first
  CHECK(fixture.read_value<std::optional<int64_t>>(
            [](Reader& r) { return r.next_webhook_due_at(); }) == fixture.now_ms - 10);

  WebhookDelivery dead = due[1];
  dead.status = WebhookDeliveryStatus::dead;
  dead.attempts = 4;
  dead.first_attempt_at_ms = fixture.now_ms - 5;
  dead.last_http_status = 503;
  dead.last_error = "Service Unavailable";
  REQUIRE(fixture.write([&](Transaction& tx) { return tx.update_webhook_delivery(dead); }).ok());
  const WebhookDelivery stored =
      fixture.read_value<WebhookDelivery>([&](Reader& r) { return r.webhook_delivery(dead.id); });
  CHECK(stored.status == WebhookDeliveryStatus::dead);
  CHECK(stored.attempts == 4);
  CHECK(stored.last_http_status == 503);
  CHECK(stored.last_error == "Service Unavailable");
  CHECK(stored.updated_at_ms == fixture.now_ms);

  WebhookDelivery delivered = due[0];
  delivered.status = WebhookDeliveryStatus::delivered;
  REQUIRE(
      fixture.write([&](Transaction& tx) { return tx.update_webhook_delivery(delivered); }).ok());
  const mc::WebhookBacklog backlog =
      fixture.read_value<mc::WebhookBacklog>([](Reader& r) { return r.webhook_backlog(); });
  CHECK(backlog.last_event_sequence == second);
  CHECK(backlog.cursor_sequence_min == first);
  CHECK(backlog.pending == 0);
  CHECK(backlog.dead == 1);

  auto listed = [&](mc::WebhookDeliveryFilter filter) {
    return fixture.read_value<std::vector<WebhookDelivery>>(
        [&](Reader& r) { return r.webhook_deliveries(filter); });
  };
  CHECK(listed({.market_id = fixture.market}).size() == 2);
  CHECK(listed({.market_id = fixture.market}).front().id >
        listed({.market_id = fixture.market}).back().id);  // newest first
  CHECK(listed({.market_id = fixture.market, .status = WebhookDeliveryStatus::dead}).size() == 1);
  CHECK(listed({.market_id = fixture.market, .party_id = party}).size() == 2);
  CHECK(listed({.market_id = fixture.market, .party_id = party + 1}).empty());
  CHECK(listed({.market_id = fixture.market, .before_id = dead.id}).size() ==
        (delivered.id < dead.id ? 1U : 0U));

  CHECK(fixture.write_value<int64_t>([&](Transaction& tx) {
    return tx.purge_webhook_deliveries(fixture.now_ms + 1);
  }) == 1);  // the delivered one only
  CHECK(listed({.market_id = fixture.market}).size() == 1);

  REQUIRE(
      fixture.write([&](Transaction& tx) { return tx.deactivate_webhook_endpoint(endpoint_id); })
          .ok());
  CHECK(fixture
            .read_value<std::vector<WebhookEndpoint>>(
                [&](Reader& r) { return r.webhook_endpoints(fixture.market, std::nullopt); })
            .empty());
  CHECK(fixture.read_value<mc::WebhookBacklog>([](Reader& r) { return r.webhook_backlog(); })
            .cursor_sequence_min == second);  // no active endpoint: nothing behind
  CHECK(
      fixture.write([](Transaction& tx) { return tx.deactivate_webhook_endpoint(999); }).detail() ==
      "webhook_endpoint_not_found");
  CHECK(fixture.store->read([](Reader& r) { return r.webhook_delivery(999).status(); }).detail() ==
        "webhook_delivery_not_found");
}
