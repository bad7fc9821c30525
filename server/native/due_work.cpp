// server/native/due_work.cpp — stuck due work (admin): timers and timed holds the engine parked
// after a permanent failure, and retrying one (it is due again at once and the scheduler is
// woken).
#include "../json_request.h"
#include "native_common.h"

namespace mc::server::native {
namespace {

void write_stuck(json::JsonWriter& out, const StuckDueWork& work) {
  out.begin_object();
  out.key("kind").value(work.kind == StuckDueWork::Kind::timer ? "timer" : "hold");
  out.key("id").value(work.id);
  out.key("job_id");
  if (work.job_id) {
    out.value(*work.job_id);
  } else {
    out.null();
  }
  out.key("transition").value(work.transition);
  out.key("due_at_ms").value(work.due_at_ms);
  out.key("attempts").value(int64_t{work.attempts});
  out.key("stuck_at_ms").value(work.stuck_at_ms);
  out.key("last_error").value(work.last_error);
  out.end_object();
}

Result<Response> list(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(context.request.query_param("limit"), "limit", 1, 1000));
  MC_TRY_ASSIGN(std::vector<StuckDueWork> stuck,
                api.engine().stuck_due_work(static_cast<int32_t>(limit.value_or(100))));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("data").begin_array();
    for (const StuckDueWork& work : stuck) write_stuck(out, work);
    out.end_array().end_object();
  });
}

Result<Response> retry(NativeApi& api, RequestContext& context, StuckDueWork::Kind kind) {
  MC_TRY_ASSIGN(int64_t id, parse_id(context.params.get("id"), "id"));
  MC_TRY(api.engine().retry_stuck_due_work(kind, id));
  if (api.context().wake_scheduler) api.context().wake_scheduler();
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object();
    out.key("kind").value(kind == StuckDueWork::Kind::timer ? "timer" : "hold");
    out.key("id").value(id).key("retrying").value(true);
    out.end_object();
  });
}

}  // namespace

std::vector<RouteSpec> due_work_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back({.method = "GET",
                    .pattern = "/stuck-work",
                    .route_class = "admin",
                    .access = Access::admin,
                    .handler = [&api](RequestContext& context) { return list(api, context); },
                    .upgrade = {},
                    .summary = "Timers and timed holds parked after a permanent failure (admin)",
                    .query_params = {"limit"}});
  for (const auto& [segment, kind] : {std::pair{"timers", StuckDueWork::Kind::timer},
                                      std::pair{"holds", StuckDueWork::Kind::hold}}) {
    const StuckDueWork::Kind work_kind = kind;
    routes.push_back(
        {.method = "POST",
         .pattern = std::string("/stuck-work/") + segment + "/:id/retry",
         .route_class = "admin",
         .access = Access::admin,
         .handler = [&api,
                     work_kind](RequestContext& context) { return retry(api, context, work_kind); },
         .upgrade = {},
         .summary = std::string("Make a stuck ") +
                    (work_kind == StuckDueWork::Kind::timer ? "timer" : "hold") +
                    " due again now (admin)"});
  }
  return routes;
}

}  // namespace mc::server::native
