// server/native/test_clock.cpp — the test clock (test mode only): GET /test/clock reads the
// server's clock, POST /test/clock {"advance_seconds": N} moves it forward by N seconds and
// runs whatever fell due before answering. No authentication; in production the routes are
// not mounted at all (404).
#include "../json_request.h"
#include "native_common.h"

namespace mc::server::native {
namespace {

// A century: far beyond any window a test needs, and far from int64 milliseconds overflow.
constexpr int64_t kAdvanceSecondsMax = 100LL * 366 * 24 * 3600;

Response clock_response(int64_t now_ms) {
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("now_ms").value(now_ms).end_object();
  });
}

Result<Response> advance(NativeApi& api, RequestContext& context) {
  const std::shared_ptr<OffsetClock>& clock = api.context().test_clock;
  if (!clock) return not_found("route_not_found", "the test clock exists in test mode only");
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"advance_seconds"}));
  MC_TRY_ASSIGN(int64_t seconds, body.required_int64("advance_seconds"));
  if (seconds <= 0 || seconds > kAdvanceSecondsMax) {
    return invalid_argument("invalid_value",
                            "advance_seconds must be a positive integer of at most a century",
                            "advance_seconds");
  }
  clock->advance_ms(seconds * kMillisecondsPerSecond);
  // Serialized with the scheduler inside run_due: when this returns, everything due is done.
  MC_TRY(api.engine().run_due().status());
  return clock_response(clock->now_ms());
}

}  // namespace

std::vector<RouteSpec> test_clock_routes(NativeApi& api) {
  if (!api.test_mode()) return {};
  std::vector<RouteSpec> routes;
  routes.push_back({.method = "GET",
                    .pattern = "/test/clock",
                    .route_class = "public",
                    .access = Access::open,
                    .handler = [&api](RequestContext&) -> Result<Response> {
                      return clock_response(api.context().clock->now_ms());
                    },
                    .upgrade = {},
                    .summary = "The server's clock (test mode only)"});
  routes.push_back({.method = "POST",
                    .pattern = "/test/clock",
                    .route_class = "public",
                    .access = Access::open,
                    .handler = [&api](RequestContext& context) { return advance(api, context); },
                    .upgrade = {},
                    .summary = "Move the server's clock forward by advance_seconds and run what "
                               "fell due (test mode only)"});
  return routes;
}

}  // namespace mc::server::native
