// server/native/webhook_routes.cpp — webhook endpoints, deliveries and the event stream (/v1).
//
//   POST   /webhook_endpoints               {url, enabled_events?, signature_scheme?,
//                                             signature_header?, market? (admin), party? (admin)}
//                                            → the endpoint with its `secret`, shown this once
//   GET    /webhook_endpoints                the caller's active endpoints (admin: ?market=)
//   DELETE /webhook_endpoints/:id            stops deliveries to it
//   GET    /webhook_deliveries?status=dead   deliveries, newest first (limit, starting_after)
//   POST   /webhook_deliveries/:id/replay    re-queues a dead delivery
//   GET    /events/stream?starting_after=N   WebSocket: the caller's events after N, then live
// A party owns the endpoints it creates (they receive the events concerning it and its
// market's broadcasts); only the admin creates market-wide endpoints. Another party's
// endpoint or delivery is answered as not found. Validation and policies are the library's
// (marketcore/webhooks.h).
#include "../json_request.h"
#include "../upgrade.h"
#include "../websocket/event_stream.h"
#include "marketcore/webhooks.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

void write_endpoint(json::JsonWriter& out, const WebhookEndpoint& endpoint,
                    const std::string* secret) {
  out.begin_object();
  out.key("object").value("webhook_endpoint");
  out.key("id").value(endpoint.id);
  out.key("market_id").value(endpoint.market_id);
  out.key("party_id");
  if (endpoint.party_id) {
    out.value(*endpoint.party_id);
  } else {
    out.null();
  }
  out.key("url").value(endpoint.url);
  out.key("enabled_events").begin_array();
  if (endpoint.event_types.empty()) out.value("*");
  for (const std::string& type : endpoint.event_types) out.value(type);
  out.end_array();
  out.key("signature_scheme").value(webhook_scheme_name(endpoint.scheme));
  if (!endpoint.signature_header.empty()) {
    out.key("signature_header").value(endpoint.signature_header);
  }
  out.key("status").value(endpoint.active ? "enabled" : "disabled");
  out.key("created_at_ms").value(endpoint.created_at_ms);
  if (secret != nullptr) out.key("secret").value(*secret);
  out.end_object();
}

void write_delivery(json::JsonWriter& out, const WebhookDelivery& delivery) {
  out.begin_object();
  out.key("object").value("webhook_delivery");
  out.key("id").value(delivery.id);
  out.key("endpoint_id").value(delivery.endpoint_id);
  out.key("event_id").value(webhook_event_id(delivery.event_sequence));
  out.key("event_sequence").value(delivery.event_sequence);
  out.key("event_type").value(delivery.event_type);
  out.key("status").value(webhook_delivery_status_name(delivery.status));
  out.key("attempts").value(delivery.attempts);
  out.key("next_attempt_at_ms");
  if (delivery.status == WebhookDeliveryStatus::pending) {
    out.value(delivery.next_attempt_at_ms);
  } else {
    out.null();
  }
  out.key("last_http_status").value(delivery.last_http_status);
  out.key("last_error").value(delivery.last_error);
  out.key("created_at_ms").value(delivery.created_at_ms);
  out.key("updated_at_ms").value(delivery.updated_at_ms);
  out.end_object();
}

// The market and owner of a new endpoint: a party's own, or (admin) any market and party.
Result<NewWebhookEndpoint> owner_of_new_endpoint(NativeApi& api, const RequestContext& context,
                                                 const JsonBody& body) {
  NewWebhookEndpoint request;
  if (context.principal.is_party()) {
    if (body.has("market") || body.has("party")) {
      return invalid_argument("unknown_param", "market and party are set by your API key",
                              body.has("market") ? "market" : "party");
    }
    request.market_id = context.principal.market_id;
    request.party_id = context.principal.party_id;
    return request;
  }
  MC_TRY_ASSIGN(std::string market_text, body.required_string("market"));
  MC_TRY_ASSIGN(Market market, api.market(market_text));
  request.market_id = market.id;
  MC_TRY_ASSIGN(std::optional<int64_t> party, body.optional_int64("party"));
  request.party_id = party;
  return request;
}

Result<Response> create_endpoint(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only(
      {"url", "enabled_events", "signature_scheme", "signature_header", "market", "party"}));
  MC_TRY_ASSIGN(NewWebhookEndpoint request, owner_of_new_endpoint(api, context, body));
  MC_TRY_ASSIGN(request.url, body.required_string("url"));
  MC_TRY_ASSIGN(request.event_types, body.string_array("enabled_events"));
  if (request.event_types.size() == 1 && request.event_types.front() == "*") {
    request.event_types.clear();
  }
  MC_TRY_ASSIGN(std::optional<std::string> scheme, body.optional_string("signature_scheme"));
  MC_TRY_ASSIGN(request.scheme, parse_webhook_scheme(scheme.value_or("standard")));
  MC_TRY_ASSIGN(std::optional<std::string> header, body.optional_string("signature_header"));
  request.signature_header = header.value_or("");
  MC_TRY_ASSIGN(CreatedWebhookEndpoint created, api.engine().webhooks().create_endpoint(request));
  return json_response(
      201, [&](json::JsonWriter& out) { write_endpoint(out, created.endpoint, &created.secret); });
}

// The endpoint if the principal owns it (or is the admin).
Result<WebhookEndpoint> visible_endpoint(NativeApi& api, const Principal& principal,
                                         WebhookEndpointId id) {
  Result<WebhookEndpoint> endpoint = api.engine().webhooks().endpoint(id);
  if (!endpoint.ok()) return endpoint.status();
  const bool owned = principal.is_admin() || (endpoint->party_id == principal.party_id &&
                                              endpoint->market_id == principal.market_id);
  if (!owned || !endpoint->active) {
    return not_found("webhook_endpoint_not_found", "no such webhook endpoint");
  }
  return endpoint;
}

Result<Response> list_endpoints(NativeApi& api, RequestContext& context) {
  MarketId market = context.principal.market_id;
  std::optional<PartyId> party = context.principal.party_id;
  if (context.principal.is_admin()) {
    party.reset();
    market = 0;
    if (auto text = context.request.query_param("market")) {
      MC_TRY_ASSIGN(Market found, api.market(*text));
      market = found.id;
    }
  }
  MC_TRY_ASSIGN(std::vector<WebhookEndpoint> endpoints,
                api.engine().webhooks().endpoints(market, party));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const WebhookEndpoint& endpoint : endpoints) write_endpoint(out, endpoint, nullptr);
    out.end_array().key("has_more").value(false).end_object();
  });
}

Result<Response> delete_endpoint(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(int64_t id, parse_id(context.params.get("id"), "id"));
  MC_TRY_ASSIGN(WebhookEndpoint endpoint, visible_endpoint(api, context.principal, id));
  MC_TRY(api.engine().webhooks().delete_endpoint(endpoint.id));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("webhook_endpoint").key("id").value(endpoint.id);
    out.key("deleted").value(true).end_object();
  });
}

Result<Response> list_deliveries(NativeApi& api, RequestContext& context) {
  const Request& http = context.request;
  WebhookDeliveryFilter filter{.market_id = context.principal.market_id,
                               .party_id = context.principal.party_id};
  if (context.principal.is_admin()) {
    filter.party_id.reset();
    const std::optional<std::string_view> market = http.query_param("market");
    if (!market) return invalid_argument("missing_param", "market is required", "market");
    MC_TRY_ASSIGN(Market found, api.market(*market));
    filter.market_id = found.id;
  }
  if (auto status = http.query_param("status")) {
    MC_TRY_ASSIGN(filter.status, parse_webhook_delivery_status(*status));
  }
  MC_TRY_ASSIGN(std::optional<int64_t> endpoint,
                query_int64(http.query_param("endpoint"), "endpoint", 1, INT64_MAX));
  filter.endpoint_id = endpoint;
  MC_TRY_ASSIGN(std::optional<int64_t> before,
                query_int64(http.query_param("starting_after"), "starting_after", 1, INT64_MAX));
  filter.before_id = before;
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(http.query_param("limit"), "limit", 1, 100));
  const int32_t page = static_cast<int32_t>(limit.value_or(20));
  filter.limit = page + 1;
  MC_TRY_ASSIGN(std::vector<WebhookDelivery> deliveries,
                api.engine().webhooks().deliveries(filter));
  const bool has_more = static_cast<int32_t>(deliveries.size()) > page;
  if (has_more) deliveries.resize(static_cast<size_t>(page));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const WebhookDelivery& delivery : deliveries) write_delivery(out, delivery);
    out.end_array().key("has_more").value(has_more).end_object();
  });
}

Result<Response> replay_delivery(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(int64_t id, parse_id(context.params.get("id"), "id"));
  WebhookRegistry webhooks = api.engine().webhooks();
  MC_TRY_ASSIGN(WebhookDelivery delivery, webhooks.delivery(id));
  MC_TRY_ASSIGN(WebhookEndpoint endpoint, webhooks.endpoint(delivery.endpoint_id));
  const Principal& principal = context.principal;
  const bool owned = principal.is_admin() || (endpoint.party_id == principal.party_id &&
                                              endpoint.market_id == principal.market_id);
  if (!owned) return not_found("webhook_delivery_not_found", "no such webhook delivery");
  MC_TRY_ASSIGN(WebhookDelivery replayed, webhooks.replay(id));
  return json_response(200, [&](json::JsonWriter& out) { write_delivery(out, replayed); });
}

void open_event_stream(NativeApi& api, std::unique_ptr<UpgradedStream> stream,
                       RequestContext& context) {
  websocket::EventStreamSpec spec;
  Result<std::optional<int64_t>> after =
      query_int64(context.request.query_param("starting_after"), "starting_after", 0, INT64_MAX);
  if (!after.ok()) return;  // a malformed cursor: the connection is closed unanswered
  spec.query.after_sequence = after.value().value_or(0);
  if (!context.principal.is_admin()) {
    spec.query.market_id = context.principal.market_id;
    spec.query.party_id = context.principal.party_id;
  }
  spec.render = [](const Event& event) -> std::optional<std::string> {
    json::JsonWriter out;
    write_event(out, event);
    return std::move(out).take();
  };
  websocket::EventStreamHub::of(api.context())->attach(std::move(stream), std::move(spec));
}

RouteSpec route(std::string method, std::string pattern, std::string route_class, Handler handler,
                std::string summary, int success_status = 200) {
  return {.method = std::move(method),
          .pattern = std::move(pattern),
          .route_class = std::move(route_class),
          .access = Access::authenticated,
          .handler = std::move(handler),
          .upgrade = {},
          .summary = std::move(summary),
          .query_params = {},
          .success_status = success_status};
}

}  // namespace

std::vector<RouteSpec> webhook_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back(route(
      "POST", "/webhook_endpoints", "write",
      [&api](RequestContext& context) { return create_endpoint(api, context); },
      "Create a webhook endpoint; the signing secret is returned once", 201));
  routes.push_back(route(
      "GET", "/webhook_endpoints", "read",
      [&api](RequestContext& context) { return list_endpoints(api, context); },
      "Your active webhook endpoints"));
  routes.back().query_params = {"market"};
  routes.push_back(route(
      "DELETE", "/webhook_endpoints/:id", "write",
      [&api](RequestContext& context) { return delete_endpoint(api, context); },
      "Delete a webhook endpoint"));
  routes.push_back(route(
      "GET", "/webhook_deliveries", "read",
      [&api](RequestContext& context) { return list_deliveries(api, context); },
      "Webhook deliveries, newest first (status=dead: the dead-letter list)"));
  routes.back().query_params = {"status", "endpoint", "limit", "starting_after", "market"};
  routes.push_back(route(
      "POST", "/webhook_deliveries/:id/replay", "write",
      [&api](RequestContext& context) { return replay_delivery(api, context); },
      "Replay a dead webhook delivery"));
  RouteSpec stream = route("GET", "/events/stream", "read", {},
                           "WebSocket: your events after starting_after, then live", 101);
  stream.upgrade = [&api](std::unique_ptr<UpgradedStream> upgraded, RequestContext& context) {
    open_event_stream(api, std::move(upgraded), context);
  };
  stream.query_params = {"starting_after"};
  routes.push_back(std::move(stream));
  return routes;
}

}  // namespace mc::server::native
