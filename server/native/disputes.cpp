// server/native/disputes.cpp — filing, joining and voting on disputes.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

Result<Dispute> visible_dispute(NativeApi& api, const Principal& principal,
                                std::string_view id_text) {
  MC_TRY_ASSIGN(int64_t id, parse_id(id_text, "id"));
  Result<Dispute> dispute = api.engine().dispute(id);
  if (!dispute.ok()) return dispute.status();
  MC_TRY(api.visible_job(principal, std::to_string(dispute->job_id)));
  return dispute;
}

Result<Response> dispute_response(int status, const Dispute& dispute) {
  return json_response(status, [&](json::JsonWriter& out) { write_dispute(out, dispute); });
}

Result<Response> open(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
  if (!context.principal.is_party()) {
    return permission_denied("party_required", "disputes are filed by a party to the job");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"reason"}));
  MC_TRY_ASSIGN(std::optional<std::string> reason, body.optional_string("reason"));
  MC_TRY_ASSIGN(Dispute dispute,
                api.engine().open_dispute(job.id, context.principal.party_id, reason.value_or(""),
                                          NativeApi::idempotency(context)));
  return dispute_response(201, dispute);
}

Result<Response> join(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Dispute dispute, visible_dispute(api, context.principal, context.params.get("id")));
  if (!context.principal.is_party()) {
    return permission_denied("party_required", "judges are parties");
  }
  MC_TRY(api.engine().join_dispute(dispute.id, context.principal.party_id));
  MC_TRY_ASSIGN(Dispute updated, api.engine().dispute(dispute.id));
  return dispute_response(200, updated);
}

Result<Response> vote(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Dispute dispute, visible_dispute(api, context.principal, context.params.get("id")));
  if (!context.principal.is_party()) {
    return permission_denied("party_required", "judges are parties");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"vote"}));
  MC_TRY_ASSIGN(std::string choice, body.required_string("vote"));
  MC_TRY_ASSIGN(Dispute updated,
                api.engine().cast_vote(dispute.id, context.principal.party_id, choice));
  return dispute_response(200, updated);
}

}  // namespace

std::vector<RouteSpec> dispute_routes(NativeApi& api) {
  auto bind = [&api](Result<Response> (*function)(NativeApi&, RequestContext&)) -> Handler {
    return [&api, function](RequestContext& context) { return function(api, context); };
  };
  auto make = [](std::string method, std::string pattern, std::string route_class, Handler handler,
                 std::string summary) {
    return RouteSpec{.method = std::move(method),
                     .pattern = std::move(pattern),
                     .route_class = std::move(route_class),
                     .access = Access::authenticated,
                     .handler = std::move(handler),
                     .upgrade = {},
                     .summary = std::move(summary)};
  };
  std::vector<RouteSpec> routes;
  routes.push_back(make("POST", "/jobs/:id/disputes", "write", bind(&open),
                        "File a dispute on a job (takes any deposit the lifecycle asks)"));
  routes.back().success_status = 201;
  routes.push_back(make(
      "GET", "/disputes/:id", "read",
      [&api](RequestContext& context) -> Result<Response> {
        MC_TRY_ASSIGN(Dispute dispute,
                      visible_dispute(api, context.principal, context.params.get("id")));
        return dispute_response(200, dispute);
      },
      "A dispute"));
  routes.push_back(
      make("POST", "/disputes/:id/judges", "write", bind(&join), "Join a dispute as a judge"));
  routes.push_back(make("POST", "/disputes/:id/votes", "write", bind(&vote),
                        "Vote \"worker\" or \"poster\"; a majority settles the job"));
  return routes;
}

}  // namespace mc::server::native
