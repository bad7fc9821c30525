// Webhook payloads and their signatures: the event rendered as JSON with a stable id, and the
// headers of each signing scheme (marketcore/webhook_signatures.h computes the HMACs). The
// timestamp and signature are made afresh for every attempt; the id never changes.
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/webhook_signatures.h"
#include "marketcore/webhooks.h"

namespace mc {
namespace {

constexpr size_t kSecretBytes = 24;
constexpr std::string_view kSignatureHeaderDefault = "x-webhook-signature";

}  // namespace

std::string_view webhook_scheme_name(WebhookScheme scheme) {
  switch (scheme) {
    case WebhookScheme::standard:
      return "standard";
    case WebhookScheme::stripe:
      return "stripe";
    case WebhookScheme::sha256:
      return "sha256";
    case WebhookScheme::hex:
      return "hex";
  }
  return "standard";
}

Result<WebhookScheme> parse_webhook_scheme(std::string_view name) {
  for (WebhookScheme scheme : {WebhookScheme::standard, WebhookScheme::stripe,
                               WebhookScheme::sha256, WebhookScheme::hex}) {
    if (webhook_scheme_name(scheme) == name) return scheme;
  }
  return invalid_argument("webhook_scheme_unknown",
                          "signature_scheme must be standard, stripe, sha256 or hex",
                          "signature_scheme");
}

std::string_view webhook_delivery_status_name(WebhookDeliveryStatus status) {
  switch (status) {
    case WebhookDeliveryStatus::pending:
      return "pending";
    case WebhookDeliveryStatus::delivered:
      return "delivered";
    case WebhookDeliveryStatus::dead:
      return "dead";
  }
  return "pending";
}

Result<WebhookDeliveryStatus> parse_webhook_delivery_status(std::string_view name) {
  for (WebhookDeliveryStatus status :
       {WebhookDeliveryStatus::pending, WebhookDeliveryStatus::delivered,
        WebhookDeliveryStatus::dead}) {
    if (webhook_delivery_status_name(status) == name) return status;
  }
  return invalid_argument("webhook_delivery_status_unknown",
                          "status must be pending, delivered or dead", "status");
}

std::string webhook_event_id(int64_t event_sequence) {
  return "evt_" + std::to_string(event_sequence);
}

std::string render_webhook_body(const Event& event) {
  json::JsonWriter out;
  out.begin_object();
  out.key("id").value(webhook_event_id(event.sequence));
  out.key("object").value("event");
  out.key("type").value(event.type);
  out.key("sequence").value(event.sequence);
  out.key("market_id").value(event.market_id);
  out.key("job_id");
  if (event.job_id) {
    out.value(*event.job_id);
  } else {
    out.null();
  }
  out.key("party_ids").begin_array();
  for (PartyId party : event.party_ids) out.value(party);
  out.end_array();
  out.key("broadcast").value(event.broadcast);
  out.key("data");
  if (event.payload_json.empty()) {
    out.null();
  } else {
    out.raw(event.payload_json);
  }
  out.key("created_at_ms").value(event.created_at_ms);
  out.end_object();
  return std::move(out).take();
}

Result<std::vector<std::pair<std::string, std::string>>> sign_webhook(
    const WebhookEndpoint& endpoint, std::string_view event_id, std::string_view event_type,
    std::string_view body, int64_t now_ms) {
  const int64_t timestamp_s = now_ms / 1000;
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("webhook-id", std::string(event_id));
  headers.emplace_back("webhook-event", std::string(event_type));
  const std::string signature_header = endpoint.signature_header.empty()
                                           ? std::string(kSignatureHeaderDefault)
                                           : endpoint.signature_header;
  switch (endpoint.scheme) {
    case WebhookScheme::standard: {
      MC_TRY_ASSIGN(std::string signature,
                    auth::sign_standard_webhook(endpoint.secret, event_id, timestamp_s, body));
      headers.emplace_back("webhook-timestamp", std::to_string(timestamp_s));
      headers.emplace_back("webhook-signature", std::move(signature));
      break;
    }
    case WebhookScheme::stripe:
      headers.emplace_back("stripe-signature",
                           auth::sign_stripe(endpoint.secret, body, timestamp_s));
      break;
    case WebhookScheme::sha256:
      headers.emplace_back(signature_header,
                           auth::sign_body_sha256_prefixed(endpoint.secret, body));
      break;
    case WebhookScheme::hex:
      headers.emplace_back(signature_header, auth::sign_body_hex(endpoint.secret, body));
      break;
  }
  return headers;
}

Result<std::string> generate_webhook_secret() {
  MC_TRY_ASSIGN(std::string random, crypto::random_bytes(kSecretBytes));
  return "whsec_" + encoding::base64_encode(random);
}

}  // namespace mc
