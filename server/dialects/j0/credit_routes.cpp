// server/dialects/j0/credit_routes.cpp — balance, transactions, buying credits (checkout, the
// test provider's completion URL, the Stripe webhook) and the deposit address.
//
// Checkout amounts are US dollars, a JSON number with at most two decimals, $1.00–$1,000.00.
// In test mode the built-in test provider answers; without it (production) checkout is
// refused with 503 until a host plugs in a provider. The test completion URL
// (GET or POST <prefix>/credits/checkout/test/:session_id) exists in test mode only.
#include "../../json_request.h"
#include "j0_api.h"
#include "j0_render.h"

namespace mc::server::j0 {
namespace {

constexpr int64_t kCheckoutCentsMin = 100;
constexpr int64_t kCheckoutCentsMax = 100'000;

Result<Response> balance(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(mc::j0::CreditBalance balance, api.market().balance(context.principal.party_id));
  json::JsonWriter out;
  out.begin_object();
  out.key("cash_cents").value(balance.cash_cents);
  out.key("promo_cents").value(balance.promo_cents);
  out.key("total_cents").value(balance.total_cents);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> transactions(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(std::optional<int64_t> requested,
                query_int64(context.request.query_param("limit"), "limit", INT64_MIN, INT64_MAX));
  MC_TRY_ASSIGN(int32_t limit, api.market().list_limit(requested));
  MC_TRY_ASSIGN(std::vector<mc::j0::CreditTransaction> list,
                api.market().transactions(context.principal.party_id, limit));
  json::JsonWriter out;
  out.begin_object().key("transactions").begin_array();
  for (const mc::j0::CreditTransaction& item : list) {
    out.begin_object();
    out.key("id").value(item.id);
    out.key("user_id").value(item.user_id);
    out.key("amount_cents").value(item.amount_cents);
    out.key("type").value(item.type);
    out.key("description").value(item.description);
    out.key("created_at").value(format_time(item.created_at_ms));
    out.end_object();
  }
  out.end_array().end_object();
  return Response::json(200, std::move(out).take());
}

std::string base_url(J0Api& api, const Request& request) {
  const std::optional<std::string_view> host = request.header("host");
  return "http://" + std::string(host.value_or("127.0.0.1")) + api.mounted_prefix;
}

Result<Response> checkout(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::optional<int64_t> cents, body.optional_money("amount_usd", 2));
  if (!cents) return invalid_argument("missing_param", "amount_usd is required", "amount_usd");
  if (*cents < kCheckoutCentsMin || *cents > kCheckoutCentsMax) {
    return invalid_argument("validation_error", "amount_usd must be between 1 and 1000",
                            "amount_usd");
  }
  if (!api.settings().test_mode) {
    return Status(Code::unavailable, "payment_provider_unavailable",
                  "No payment provider is configured");
  }
  MC_TRY_ASSIGN(
      payments::CheckoutSession session,
      api.test_payments().create_checkout({.market_id = api.market().market_id(),
                                           .party_id = context.principal.party_id,
                                           .amount_cents = *cents,
                                           .return_base_url = base_url(api, context.request)}));
  json::JsonWriter out;
  out.begin_object().key("checkout_url").value(session.url).end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> complete_test_checkout(J0Api& api, RequestContext& context) {
  if (!api.settings().test_mode) return not_found("route_not_found", "Not found");
  MC_TRY_ASSIGN(
      payments::PurchaseCredit credit,
      api.test_payments().complete(api.market().engine(), context.params.get("session_id"),
                                   api.settings().purchase_fee_bps));
  json::JsonWriter out;
  out.begin_object();
  out.key("status").value("complete");
  out.key("cash_cents_credited").value(credit.cash_credited_cents);
  out.key("already_completed").value(credit.movement.replayed);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> stripe_webhook(J0Api& api, RequestContext& context) {
  if (api.settings().stripe_webhook_secret.empty()) {
    return Status(Code::unavailable, "webhook_not_configured",
                  "Stripe webhook secret is not configured");
  }
  const std::string_view header = context.request.header("stripe-signature").value_or("");
  Result<payments::StripeWebhookOutcome> outcome = payments::handle_stripe_webhook(
      api.market().engine(), api.market().market_id(),
      {.secret = api.settings().stripe_webhook_secret, .fee_bps = api.settings().purchase_fee_bps},
      context.request.body, header, api.now_ms());
  if (!outcome.ok()) {
    if (outcome.status().code() == Code::unauthenticated) {
      return invalid_argument("invalid_signature", "Invalid signature");
    }
    return outcome.status();
  }
  json::JsonWriter out;
  out.begin_object();
  out.key("received").value(true);
  out.key("credited").value(outcome->credited && !outcome->credit->movement.replayed);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> deposit_address(J0Api& api, RequestContext&) {
  if (api.settings().deposit_address.empty()) {
    return Status(Code::unavailable, "deposit_address_not_configured",
                  "No deposit address is configured");
  }
  json::JsonWriter out;
  out.begin_object();
  out.key("address").value(api.settings().deposit_address);
  out.key("network").value("Base L2");
  out.end_object();
  return Response::json(200, std::move(out).take());
}

}  // namespace

std::vector<RouteSpec> credit_routes(J0Api& api) {
  auto complete = [&api](RequestContext& context) { return complete_test_checkout(api, context); };
  return {
      {.method = "GET",
       .pattern = "/credits/balance",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return balance(api, context); },
       .summary = "Credit balance: cash, promo and total cents"},
      {.method = "GET",
       .pattern = "/credits/transactions",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return transactions(api, context); },
       .summary = "Transaction history, newest first",
       .query_params = {"limit"}},
      {.method = "POST",
       .pattern = "/credits/checkout",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return checkout(api, context); },
       .summary = "Create a checkout session to buy credits"},
      {.method = "GET",
       .pattern = std::string(kTestCheckoutPath) + "/:session_id",
       .route_class = "ip",
       .access = Access::open,
       .handler = complete,
       .summary = "Test mode: completes a test checkout session (once)",
       .secret_params = {"session_id"}},
      {.method = "POST",
       .pattern = std::string(kTestCheckoutPath) + "/:session_id",
       .route_class = "ip",
       .access = Access::open,
       .handler = complete,
       .summary = "Test mode: completes a test checkout session (once)",
       .secret_params = {"session_id"}},
      {.method = "POST",
       .pattern = "/webhooks/stripe",
       .route_class = "ip",
       .access = Access::open,
       .handler = [&api](RequestContext& context) { return stripe_webhook(api, context); },
       .summary = "Stripe webhook: credits checkout.session.completed once per event id"},
      {.method = "GET",
       .pattern = "/credits/deposit-address",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return deposit_address(api, context); },
       .summary = "USDC deposit address on Base"},
  };
}

}  // namespace mc::server::j0
