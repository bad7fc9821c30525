// Stripe webhooks in: verify the Stripe-Signature header over the raw body, then credit a paid
// checkout.session.completed once per event id (external reference "stripe:<event id>").
//
// Event shape read (Stripe API): {"id": "evt_…", "type": "checkout.session.completed",
// "data": {"object": {"amount_total": 1000, "currency": "usd", "payment_status": "paid",
// "client_reference_id": "42", "metadata": {"user_id": "42"}}}}. metadata.user_id wins over
// client_reference_id; both carry the buyer's party id as text. A session whose
// payment_status is present and not "paid" (delayed payment methods) credits nothing.
#include <simdjson.h>

#include <charconv>
#include <string>

#include "marketcore/payments.h"
#include "marketcore/webhook_signatures.h"

namespace mc::payments {
namespace {

Status malformed(std::string message) {
  return invalid_argument("malformed_event", std::move(message));
}

std::optional<std::string_view> string_at(simdjson::dom::element object, std::string_view path) {
  std::string_view text;
  if (object.at_pointer(path).get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
  return text;
}

std::optional<int64_t> parse_party_id(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

struct CompletedSession {
  int64_t amount_cents = 0;
  PartyId party_id = 0;
  bool paid = true;
};

Result<CompletedSession> read_session(simdjson::dom::element event) {
  simdjson::dom::element session;
  if (event.at_pointer("/data/object").get(session) != simdjson::SUCCESS || !session.is_object()) {
    return malformed("the event has no data.object");
  }
  CompletedSession read;
  if (session["amount_total"].get_int64().get(read.amount_cents) != simdjson::SUCCESS ||
      read.amount_cents <= 0) {
    return malformed("the session has no positive amount_total");
  }
  if (auto currency = string_at(session, "/currency"); currency && *currency != "usd") {
    return malformed("only usd sessions are credited");
  }
  if (auto status = string_at(session, "/payment_status"); status && *status != "paid") {
    read.paid = false;
  }
  std::optional<std::string_view> user = string_at(session, "/metadata/user_id");
  if (!user) user = string_at(session, "/client_reference_id");
  const std::optional<int64_t> party = user ? parse_party_id(*user) : std::nullopt;
  if (!party) return malformed("the session carries no metadata.user_id or client_reference_id");
  read.party_id = *party;
  return read;
}

}  // namespace

Result<StripeWebhookOutcome> handle_stripe_webhook(Engine& engine, MarketId market,
                                                   const StripeWebhookOptions& options,
                                                   std::string_view body,
                                                   std::string_view signature_header,
                                                   int64_t now_ms) {
  MC_TRY(auth::verify_stripe_signature(options.secret, body, signature_header, now_ms,
                                       options.tolerance_s));
  simdjson::dom::parser parser;
  simdjson::dom::element event;
  if (parser.parse(simdjson::padded_string(body)).get(event) != simdjson::SUCCESS ||
      !event.is_object()) {
    return malformed("the body is not a JSON event object");
  }
  StripeWebhookOutcome outcome;
  const std::optional<std::string_view> id = string_at(event, "/id");
  const std::optional<std::string_view> type = string_at(event, "/type");
  if (!id || id->empty() || !type) return malformed("the event has no id or type");
  outcome.event_id = std::string(*id);
  outcome.event_type = std::string(*type);
  if (*type != "checkout.session.completed") return outcome;
  MC_TRY_ASSIGN(CompletedSession session, read_session(event));
  if (!session.paid) return outcome;
  Result<Party> party = engine.party(session.party_id);
  if (!party.ok() || party->market_id != market) {
    if (!party.ok() && party.status().code() != Code::not_found) return party.status();
    return not_found("party_not_found", "the session's user is not a user of this market");
  }
  outcome.party_id = session.party_id;
  MC_TRY_ASSIGN(PurchaseCredit credit,
                credit_purchase(engine, {.market_id = market,
                                         .party_id = session.party_id,
                                         .amount_cents = session.amount_cents,
                                         .fee_bps = options.fee_bps,
                                         .provider = "stripe",
                                         .external_ref = "stripe:" + outcome.event_id}));
  outcome.credited = true;
  outcome.credit = credit;
  return outcome;
}

}  // namespace mc::payments
