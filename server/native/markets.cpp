// server/native/markets.cpp — POST /markets (admin), GET /markets/:market.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {

std::vector<RouteSpec> market_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back({.method = "POST",
                    .pattern = "/markets",
                    .route_class = "admin",
                    .access = Access::admin,
                    .handler = [&api](RequestContext& context) -> Result<Response> {
                      MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
                      MC_TRY(body.only({"name", "based_on", "test_mode"}));
                      MC_TRY_ASSIGN(std::string name, body.required_string("name"));
                      MC_TRY_ASSIGN(std::string based_on, body.required_string("based_on"));
                      MC_TRY_ASSIGN(std::optional<bool> test_mode, body.optional_bool("test_mode"));
                      Result<MarketConfig> config = builtin_market_config(based_on);
                      if (!config.ok()) {
                        return invalid_argument("unknown_builtin_market",
                                                "based_on must name a built-in market", "based_on");
                      }
                      config->name = name;
                      config->test_mode = test_mode.value_or(api.test_mode()) && api.test_mode();
                      MC_TRY_ASSIGN(Market market, api.engine().create_market(config.value()));
                      return json_response(
                          201, [&](json::JsonWriter& out) { write_market(out, market); });
                    },
                    .upgrade = {},
                    .summary = "Create a market from a built-in template",
                    .success_status = 201});
  routes.push_back({.method = "GET",
                    .pattern = "/markets/:market",
                    .route_class = "public",
                    .access = Access::open,
                    .handler = [&api](RequestContext& context) -> Result<Response> {
                      MC_TRY_ASSIGN(Market market, api.market(context.params.get("market")));
                      return json_response(
                          200, [&](json::JsonWriter& out) { write_market(out, market); });
                    },
                    .upgrade = {},
                    .summary = "A market by id or name"});
  return routes;
}

}  // namespace mc::server::native
