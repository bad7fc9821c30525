// Webhook payloads and signatures: a stable id, a fresh timestamp per attempt, each scheme's
// headers verifying with the matching verifier of webhook_signatures.h.
#include <doctest/doctest.h>

#include <map>

#include "marketcore/webhook_signatures.h"
#include "marketcore/webhooks.h"

namespace {

constexpr int64_t kNowMs = 1'700'000'000'123;

std::map<std::string, std::string> headers_of(const mc::WebhookEndpoint& endpoint,
                                              std::string_view body, int64_t now_ms) {
  auto signed_headers = mc::sign_webhook(endpoint, "evt_7", "job.posted", body, now_ms);
  REQUIRE_MESSAGE(signed_headers.ok(), signed_headers.status().to_string());
  std::map<std::string, std::string> out;
  for (auto& [name, value] : signed_headers.value()) out[name] = value;
  return out;
}

mc::Event sample_event() {
  return {.sequence = 7,
          .market_id = 2,
          .type = "job.posted",
          .job_id = 11,
          .party_ids = {3, 4},
          .broadcast = false,
          .payload_json = R"({"amount_minor":500,"title":"caf\u00e9"})",
          .created_at_ms = 1'700'000'000'000};
}

}  // namespace

TEST_CASE("webhook body: the event with its stable id") {
  CHECK(mc::webhook_event_id(7) == "evt_7");
  CHECK(mc::render_webhook_body(sample_event()) ==
        R"({"id":"evt_7","object":"event","type":"job.posted","sequence":7,"market_id":2,)"
        R"("job_id":11,"party_ids":[3,4],"broadcast":false,)"
        R"("data":{"amount_minor":500,"title":"caf\u00e9"},"created_at_ms":1700000000000})");
  mc::Event no_job = sample_event();
  no_job.job_id.reset();
  no_job.payload_json.clear();
  CHECK(mc::render_webhook_body(no_job).find(R"("job_id":null)") != std::string::npos);
  CHECK(mc::render_webhook_body(no_job).find(R"("data":null)") != std::string::npos);
}

TEST_CASE("webhook signing: Standard Webhooks headers, fresh per attempt") {
  auto secret = mc::generate_webhook_secret();
  REQUIRE(secret.ok());
  CHECK(secret->starts_with("whsec_"));
  CHECK(secret.value() != mc::generate_webhook_secret().value());
  const mc::WebhookEndpoint endpoint{.secret = secret.value()};
  const std::string body = mc::render_webhook_body(sample_event());
  auto first = headers_of(endpoint, body, kNowMs);
  CHECK(first["webhook-id"] == "evt_7");
  CHECK(first["webhook-event"] == "job.posted");
  CHECK(first["webhook-timestamp"] == "1700000000");
  CHECK(first["webhook-signature"].starts_with("v1,"));
  CHECK(mc::auth::verify_standard_webhook(endpoint.secret, "evt_7", first["webhook-timestamp"],
                                          first["webhook-signature"], body, kNowMs)
            .ok());
  // A later attempt: same id, new timestamp, new signature, still valid.
  auto second = headers_of(endpoint, body, kNowMs + 61'000);
  CHECK(second["webhook-id"] == "evt_7");
  CHECK(second["webhook-timestamp"] == "1700000061");
  CHECK(second["webhook-signature"] != first["webhook-signature"]);
  CHECK(mc::auth::verify_standard_webhook(endpoint.secret, "evt_7", second["webhook-timestamp"],
                                          second["webhook-signature"], body, kNowMs + 61'000)
            .ok());
  // Tampered body or another secret fails.
  CHECK_FALSE(mc::auth::verify_standard_webhook(endpoint.secret, "evt_7",
                                                first["webhook-timestamp"],
                                                first["webhook-signature"], body + " ", kNowMs)
                  .ok());
  mc::WebhookEndpoint bad{.secret = "whsec_short"};
  CHECK(mc::sign_webhook(bad, "evt_7", "job.posted", body, kNowMs).status().detail() ==
        "webhook_bad_secret");
}

TEST_CASE("webhook signing: the Stripe, sha256= and hex schemes") {
  const std::string body = mc::render_webhook_body(sample_event());
  mc::WebhookEndpoint stripe{.secret = "whsec_abc", .scheme = mc::WebhookScheme::stripe};
  auto stripe_headers = headers_of(stripe, body, kNowMs);
  CHECK(mc::auth::verify_stripe_signature(stripe.secret, body, stripe_headers["stripe-signature"],
                                          kNowMs)
            .ok());
  mc::WebhookEndpoint prefixed{.secret = "s3cret",
                               .scheme = mc::WebhookScheme::sha256,
                               .signature_header = "x-agentmarket-signature"};
  auto prefixed_headers = headers_of(prefixed, body, kNowMs);
  CHECK(mc::auth::verify_body_sha256_prefixed(prefixed.secret, body,
                                              prefixed_headers["x-agentmarket-signature"])
            .ok());
  mc::WebhookEndpoint hex{.secret = "s3cret", .scheme = mc::WebhookScheme::hex};
  auto hex_headers = headers_of(hex, body, kNowMs);
  CHECK(mc::auth::verify_body_hex(hex.secret, body, hex_headers["x-webhook-signature"]).ok());
}

TEST_CASE("webhook scheme and status names round-trip") {
  for (auto scheme : {mc::WebhookScheme::standard, mc::WebhookScheme::stripe,
                      mc::WebhookScheme::sha256, mc::WebhookScheme::hex}) {
    CHECK(mc::parse_webhook_scheme(mc::webhook_scheme_name(scheme)).value() == scheme);
  }
  CHECK(mc::parse_webhook_scheme("svix").status().detail() == "webhook_scheme_unknown");
  for (auto status : {mc::WebhookDeliveryStatus::pending, mc::WebhookDeliveryStatus::delivered,
                      mc::WebhookDeliveryStatus::dead}) {
    CHECK(mc::parse_webhook_delivery_status(mc::webhook_delivery_status_name(status)).value() ==
          status);
  }
  CHECK_FALSE(mc::parse_webhook_delivery_status("lost").ok());
}
