// Buying j0 credits (marketcore/payments.h): the processing fee ($10.00 → 950 cents), the
// test provider completing a session once however often it is visited, and Stripe webhooks:
// signature verified, each checkout.session.completed event id credited once, other events
// ignored, unknown users and malformed events refused without moving money.
#include <doctest/doctest.h>

#include <string>

#include "marketcore/j0.h"
#include "marketcore/payments.h"
#include "marketcore/webhook_signatures.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

constexpr const char* kSecret = "whsec_test_secret_for_j0";

std::string session_event(std::string_view event_id, mc::PartyId user, int64_t amount_cents,
                          std::string_view type = "checkout.session.completed") {
  return std::string(R"({"id":")") + std::string(event_id) + R"(","object":"event","type":")" +
         std::string(type) + R"(","data":{"object":{"object":"checkout.session","amount_total":)" +
         std::to_string(amount_cents) +
         R"(,"currency":"usd","payment_status":"paid","client_reference_id":")" +
         std::to_string(user) + R"(","metadata":{"user_id":")" + std::to_string(user) + R"("}}}})";
}

}  // namespace

TEST_CASE("payments: the processing fee is 5 % by default, rounded against the buyer") {
  CHECK(mc::payments::cash_after_fee(1000, 500).value() == 950);
  CHECK(mc::payments::cash_after_fee(1001, 500).value() == 950);
  CHECK(mc::payments::cash_after_fee(100, 0).value() == 100);
  CHECK(mc::payments::cash_after_fee(100, 10'001).status().detail() == "bad_fee_bps");
  CHECK(mc::payments::cash_after_fee(0, 500).status().detail() == "amount_not_positive");
  const auto reason = mc::payments::parse_purchase_reason("purchase:stripe:1000");
  REQUIRE(reason);
  CHECK(reason->provider == "stripe");
  CHECK(reason->amount_cents == 1000);
  CHECK_FALSE(mc::payments::parse_purchase_reason("purchase:stripe:"));
  CHECK(mc::j0::transaction_type("purchase:test:500") == "purchase");
  CHECK(mc::j0::transaction_type("platform_fee").empty());
}

TEST_CASE("payments: a test checkout credits once, however often its URL is visited") {
  Scenario s("j0");
  mc::j0::J0Market j0 = mc::j0::J0Market::open(*s.engine).value();
  const mc::PartyId buyer = s.party();
  mc::payments::TestPaymentProvider provider("/credits/checkout/test");
  const mc::payments::CheckoutSession session =
      provider
          .create_checkout({.market_id = j0.market_id(),
                            .party_id = buyer,
                            .amount_cents = 1000,
                            .return_base_url = "http://127.0.0.1:8080/j0/api/v1"})
          .value();
  CHECK(session.url == "http://127.0.0.1:8080/j0/api/v1/credits/checkout/test/" + session.id);
  const auto first = provider.complete(*s.engine, session.id, 500).value();
  CHECK(first.cash_credited_cents == 950);
  CHECK_FALSE(first.movement.replayed);
  CHECK(provider.complete(*s.engine, session.id, 500).value().movement.replayed);
  CHECK(j0.balance(buyer).value().cash_cents == 950);
  CHECK(provider.complete(*s.engine, "cs_test_unknown", 500).status().detail() ==
        "checkout_session_not_found");
  const auto history = j0.transactions(buyer, 10).value();
  REQUIRE(history.size() == 1);
  CHECK(history[0].type == "purchase");
  CHECK(history[0].amount_cents == 950);
  CHECK(history[0].description == "Purchased via test checkout ($10.00)");
  s.verify();
}

TEST_CASE("payments: Stripe checkout.session.completed credits each event id once") {
  Scenario s("j0");
  mc::j0::J0Market j0 = mc::j0::J0Market::open(*s.engine).value();
  const mc::PartyId buyer = s.party();
  const int64_t now_ms = s.clock->now_ms();
  const mc::payments::StripeWebhookOptions options{.secret = kSecret};
  auto deliver = [&](const std::string& body, std::string header = "") {
    if (header.empty()) header = mc::auth::sign_stripe(kSecret, body, now_ms / 1000);
    return mc::payments::handle_stripe_webhook(*s.engine, j0.market_id(), options, body, header,
                                               now_ms);
  };
  const std::string body = session_event("evt_1", buyer, 1000);
  const auto first = deliver(body).value();
  CHECK(first.credited);
  CHECK(first.credit->cash_credited_cents == 950);
  CHECK_FALSE(first.credit->movement.replayed);
  CHECK(deliver(body).value().credit->movement.replayed);  // redelivered: credited once
  CHECK(j0.balance(buyer).value().cash_cents == 950);
  CHECK(j0.transactions(buyer, 10).value()[0].description == "Purchased via Stripe ($10.00)");

  const std::string forged = mc::auth::sign_stripe("whsec_other", body, now_ms / 1000);
  CHECK(deliver(session_event("evt_2", buyer, 5000), forged).status().code() ==
        mc::Code::unauthenticated);
  const std::string stale = mc::auth::sign_stripe(kSecret, body, now_ms / 1000 - 301);
  CHECK(deliver(session_event("evt_3", buyer, 5000), stale).status().code() ==
        mc::Code::unauthenticated);
  CHECK_FALSE(
      deliver(session_event("evt_4", buyer, 5000, "payment_intent.created")).value().credited);
  CHECK(deliver(session_event("evt_5", buyer + 100, 5000)).status().detail() == "party_not_found");
  CHECK(deliver(R"({"id":"evt_6","type":"checkout.session.completed","data":{"object":{}}})")
            .status()
            .detail() == "malformed_event");
  CHECK(deliver("not json").status().detail() == "malformed_event");
  CHECK(j0.balance(buyer).value().cash_cents == 950);
  s.verify();
}
