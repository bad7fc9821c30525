// server/dialects/j0/user_routes.cpp — GET /users/me and GET /users/:id (public info only).
#include "j0_api.h"
#include "j0_render.h"

namespace mc::server::j0 {
namespace {

Response user_response(const Party& user) {
  json::JsonWriter out;
  write_user(out, user, /*login=*/false);
  return Response::json(200, std::move(out).take());
}

Result<Response> me(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(Party user, api.market().user(context.principal.party_id));
  return user_response(user);
}

Result<Response> user_by_id(J0Api& api, RequestContext& context) {
  const std::optional<int64_t> id = parse_positive_id(context.params.get("id"));
  if (!id) return not_found("user_not_found", "User not found");
  MC_TRY_ASSIGN(Party user, api.market().user(*id));
  return user_response(user);
}

}  // namespace

std::vector<RouteSpec> user_routes(J0Api& api) {
  return {
      {.method = "GET",
       .pattern = "/users/me",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return me(api, context); },
       .summary = "Current user"},
      {.method = "GET",
       .pattern = "/users/:id",
       .route_class = "user",
       .handler = [&api](RequestContext& context) { return user_by_id(api, context); },
       .summary = "A user's public info"},
  };
}

}  // namespace mc::server::j0
