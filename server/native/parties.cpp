// server/native/parties.cpp — parties and their API keys.
//
// POST /markets/:market/parties registers a party and returns its first API key once. In test
// mode anyone may register (the seeds' sign-up flows are open); in production only the admin.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

Result<Party> party_from_body(const JsonBody& body, MarketId market_id) {
  MC_TRY(body.only({"kind", "display_name", "email", "wallet_address", "external_id",
                    "capabilities", "endpoint_url", "webhook_url", "profile", "key_label"}));
  Party party;
  party.market_id = market_id;
  MC_TRY_ASSIGN(std::optional<std::string> kind, body.optional_string("kind"));
  party.kind = kind.value_or("agent");
  MC_TRY_ASSIGN(std::optional<std::string> display_name, body.optional_string("display_name"));
  party.display_name = display_name.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> email, body.optional_string("email"));
  party.email = email.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> wallet, body.optional_string("wallet_address"));
  party.wallet_address = wallet.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> external_id, body.optional_string("external_id"));
  party.external_id = external_id.value_or("");
  MC_TRY_ASSIGN(party.capabilities, body.string_array("capabilities"));
  MC_TRY_ASSIGN(std::optional<std::string> endpoint, body.optional_string("endpoint_url"));
  party.endpoint_url = endpoint.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> webhook, body.optional_string("webhook_url"));
  party.webhook_url = webhook.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> profile, body.optional_object_json("profile"));
  party.profile_json = profile.value_or("{}");
  return party;
}

void write_created_key(json::JsonWriter& out, const auth::CreatedApiKey& created) {
  out.begin_object();
  out.key("object").value("api_key");
  out.key("id").value(created.record.id);
  out.key("secret").value(created.key);
  out.key("prefix").value(created.record.display_prefix);
  out.key("label").value(created.record.label);
  out.key("created_at_ms").value(created.record.created_at_ms);
  out.end_object();
}

Result<Response> register_party(NativeApi& api, RequestContext& context) {
  if (!api.test_mode() && !context.principal.is_admin()) {
    return permission_denied("admin_required", "in production only the admin registers parties");
  }
  MC_TRY_ASSIGN(Market market, api.market(context.params.get("market")));
  if (context.principal.is_party() && context.principal.market_id != market.id) {
    return not_found("market_not_found", "no such market");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(Party request, party_from_body(body, market.id));
  MC_TRY_ASSIGN(std::optional<std::string> label, body.optional_string("key_label"));
  // The party and its first key are written in one unit: no party is left without a key.
  MC_TRY_ASSIGN(
      auth::CreatedApiKey key,
      api.context().api_keys->mint("", api_key_prefix(api.test_mode()), label.value_or("default")));
  MC_TRY_ASSIGN(RegisteredParty registered, api.engine().register_party(RegisterParty{
                                                .party = request, .api_key = key.record}));
  const Party& party = registered.party;
  key.record.owner_id = std::to_string(party.id);
  return json_response(201, [&](json::JsonWriter& out) {
    out.begin_object();
    out.key("party");
    write_party(out, party);
    out.key("api_key");
    write_created_key(out, key);
    out.end_object();
  });
}

}  // namespace

std::vector<RouteSpec> party_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back(
      {.method = "POST",
       .pattern = "/markets/:market/parties",
       .route_class = "public",
       .access = Access::open,
       .handler = [&api](RequestContext& context) { return register_party(api, context); },
       .upgrade = {},
       .summary = "Register a party; returns its first API key once",
       .success_status = 201});
  routes.push_back(
      {.method = "GET",
       .pattern = "/parties/:id",
       .route_class = "read",
       .access = Access::authenticated,
       .handler = [&api](RequestContext& context) -> Result<Response> {
         MC_TRY_ASSIGN(Party party, api.visible_party(context.principal, context.params.get("id")));
         return json_response(200, [&](json::JsonWriter& out) { write_party(out, party); });
       },
       .upgrade = {},
       .summary = "A party (itself, or any for the admin)"});
  routes.push_back({.method = "GET",
                    .pattern = "/parties/:id/keys",
                    .route_class = "read",
                    .access = Access::authenticated,
                    .handler = [&api](RequestContext& context) -> Result<Response> {
                      MC_TRY_ASSIGN(Party party,
                                    api.own_party(context.principal, context.params.get("id")));
                      MC_TRY_ASSIGN(std::vector<auth::ApiKeyRecord> keys,
                                    api.context().api_keys->list(std::to_string(party.id)));
                      return json_response(200, [&](json::JsonWriter& out) {
                        out.begin_object().key("object").value("list").key("data").begin_array();
                        for (const auto& key : keys) write_api_key(out, key);
                        out.end_array().key("has_more").value(false).end_object();
                      });
                    },
                    .upgrade = {},
                    .summary = "The party's API keys (no secrets)"});
  routes.push_back(
      {.method = "POST",
       .pattern = "/parties/:id/keys",
       .route_class = "write",
       .access = Access::authenticated,
       .handler = [&api](RequestContext& context) -> Result<Response> {
         MC_TRY_ASSIGN(Party party, api.own_party(context.principal, context.params.get("id")));
         MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
         MC_TRY(body.only({"label"}));
         MC_TRY_ASSIGN(std::optional<std::string> label, body.optional_string("label"));
         MC_TRY_ASSIGN(
             auth::CreatedApiKey key,
             api.context().api_keys->create(std::to_string(party.id),
                                            api_key_prefix(api.test_mode()), label.value_or("")));
         return json_response(201, [&](json::JsonWriter& out) { write_created_key(out, key); });
       },
       .upgrade = {},
       .summary = "Create another API key; the secret is shown once",
       .success_status = 201});
  routes.push_back({.method = "DELETE",
                    .pattern = "/parties/:id/keys/:key_id",
                    .route_class = "write",
                    .access = Access::authenticated,
                    .handler = [&api](RequestContext& context) -> Result<Response> {
                      MC_TRY_ASSIGN(Party party,
                                    api.own_party(context.principal, context.params.get("id")));
                      const std::string key_id(context.params.get("key_id"));
                      MC_TRY(api.context().api_keys->revoke(std::to_string(party.id), key_id));
                      return json_response(200, [&](json::JsonWriter& out) {
                        out.begin_object().key("object").value("api_key").key("id").value(key_id);
                        out.key("revoked").value(true).end_object();
                      });
                    },
                    .upgrade = {},
                    .summary = "Revoke an API key"});
  return routes;
}

}  // namespace mc::server::native
