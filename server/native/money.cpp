// server/native/money.cpp — deposits, balances and ledger history of a party.
//
// POST /parties/:id/deposits credits a party from the market's world account: the admin may
// always (crediting an external payment, with external_ref for at-most-once), the party itself
// only in test mode (instant test funds). Amounts: `amount_minor` (integer) or `amount`
// (decimal in the market's asset, number or string), both read from the JSON text.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

Result<AccountKind> account_kind(const std::optional<std::string>& name) {
  if (!name || *name == "available") return AccountKind::available;
  if (*name == "promo") return AccountKind::promo;
  if (*name == "stake") return AccountKind::stake;
  return invalid_argument("invalid_value", "into must be available, promo or stake", "into");
}

Result<Response> deposit(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Party party, api.visible_party(context.principal, context.params.get("id")));
  if (!context.principal.is_admin() && !api.test_mode()) {
    return permission_denied("test_mode_only", "deposits by the party itself need test mode");
  }
  MC_TRY_ASSIGN(Market market, api.market(party.market_id));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"amount_minor", "amount", "into", "reason", "external_ref"}));
  MC_TRY_ASSIGN(std::optional<int64_t> minor, body.optional_int64("amount_minor"));
  MC_TRY_ASSIGN(std::optional<int64_t> major,
                body.optional_money("amount", market.config.asset.scale));
  if (minor.has_value() == major.has_value()) {
    return invalid_argument("missing_param", "give exactly one of amount_minor and amount",
                            "amount_minor");
  }
  MC_TRY_ASSIGN(std::optional<std::string> into, body.optional_string("into"));
  MC_TRY_ASSIGN(std::optional<std::string> reason, body.optional_string("reason"));
  MC_TRY_ASSIGN(std::optional<std::string> external_ref, body.optional_string("external_ref"));
  Deposit request{.market_id = market.id, .party_id = party.id};
  request.amount_minor = minor ? *minor : *major;
  MC_TRY_ASSIGN(request.into, account_kind(into));
  if (reason) request.reason = *reason;
  request.external_ref = external_ref;
  request.idempotency = NativeApi::idempotency(context);
  MC_TRY_ASSIGN(MoneyMovement movement, api.engine().deposit(request));
  Response response = json_response(movement.replayed ? 200 : 201, [&](json::JsonWriter& out) {
    out.begin_object();
    out.key("object").value("deposit");
    out.key("transfer_id").value(movement.transfer_id);
    out.key("party_id").value(party.id);
    out.key("currency").value(market.config.asset.code);
    write_amount(out, "amount", request.amount_minor, market.config.asset);
    write_amount(out, "balance_after", movement.balance_after_minor, market.config.asset);
    out.end_object();
  });
  return replayed_if(std::move(response), movement.replayed);
}

Result<Response> transfers(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Party party, api.visible_party(context.principal, context.params.get("id")));
  MC_TRY_ASSIGN(Market market, api.market(party.market_id));
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(context.request.query_param("limit"), "limit", 1, 100));
  MC_TRY_ASSIGN(
      std::optional<int64_t> after,
      query_int64(context.request.query_param("starting_after"), "starting_after", 1, INT64_MAX));
  const int32_t page = static_cast<int32_t>(limit.value_or(20));
  MC_TRY_ASSIGN(std::vector<Transfer> rows,
                api.engine().transfers(market.id, party.id, after, page + 1));
  const bool has_more = static_cast<int32_t>(rows.size()) > page;
  if (has_more) rows.resize(static_cast<size_t>(page));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const Transfer& transfer : rows) write_transfer(out, transfer, market.config.asset);
    out.end_array().key("has_more").value(has_more).end_object();
  });
}

}  // namespace

std::vector<RouteSpec> money_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back({.method = "POST",
                    .pattern = "/parties/:id/deposits",
                    .route_class = "write",
                    .access = Access::authenticated,
                    .handler = [&api](RequestContext& context) { return deposit(api, context); },
                    .upgrade = {},
                    .summary = "Credit a party (admin; the party itself in test mode)",
                    .success_status = 201});
  routes.push_back({.method = "GET",
                    .pattern = "/parties/:id/balance",
                    .route_class = "read",
                    .access = Access::authenticated,
                    .handler = [&api](RequestContext& context) -> Result<Response> {
                      MC_TRY_ASSIGN(Party party,
                                    api.visible_party(context.principal, context.params.get("id")));
                      MC_TRY_ASSIGN(Market market, api.market(party.market_id));
                      MC_TRY_ASSIGN(Balances balances, api.engine().balances(market.id, party.id));
                      return json_response(200, [&](json::JsonWriter& out) {
                        write_balances(out, party.id, balances, market.config.asset);
                      });
                    },
                    .upgrade = {},
                    .summary = "A party's balances"});
  routes.push_back({.method = "GET",
                    .pattern = "/parties/:id/transfers",
                    .route_class = "read",
                    .access = Access::authenticated,
                    .handler = [&api](RequestContext& context) { return transfers(api, context); },
                    .upgrade = {},
                    .summary = "Ledger history of a party, newest first (cursor pagination)",
                    .query_params = {"limit", "starting_after"}});
  return routes;
}

}  // namespace mc::server::native
