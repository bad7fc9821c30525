// server/native/events.cpp — the event outbox with a cursor, and ledger verification.
//
// GET /events?after=<sequence>&limit= returns events in sequence order; a party sees the events
// that concern it (and broadcasts of its market), the admin every event (filter by market).
// `next_cursor` is the last sequence returned: pass it as `after` to continue.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

Result<Response> list_events(NativeApi& api, RequestContext& context) {
  const Request& http = context.request;
  EventQuery query;
  if (context.principal.is_admin()) {
    if (auto market = http.query_param("market")) {
      MC_TRY_ASSIGN(Market found, api.market(*market));
      query.market_id = found.id;
    }
  } else {
    query.market_id = context.principal.market_id;
    query.party_id = context.principal.party_id;
  }
  MC_TRY_ASSIGN(std::optional<int64_t> after,
                query_int64(http.query_param("after"), "after", 0, INT64_MAX));
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(http.query_param("limit"), "limit", 1, 1000));
  query.after_sequence = after.value_or(0);
  const int32_t page = static_cast<int32_t>(limit.value_or(100));
  query.limit = page + 1;
  MC_TRY_ASSIGN(std::vector<Event> events, api.engine().events(query));
  const bool has_more = static_cast<int32_t>(events.size()) > page;
  if (has_more) events.resize(static_cast<size_t>(page));
  const int64_t next_cursor = events.empty() ? query.after_sequence : events.back().sequence;
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const Event& event : events) write_event(out, event);
    out.end_array().key("has_more").value(has_more);
    out.key("next_cursor").value(next_cursor).end_object();
  });
}

Result<Response> verify_ledger(NativeApi& api, RequestContext&) {
  MC_TRY_ASSIGN(LedgerReport report, api.engine().verify_ledger());
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("ledger_report");
    out.key("ok").value(report.ok());
    out.key("markets_checked").value(report.markets_checked);
    out.key("accounts_checked").value(report.accounts_checked);
    out.key("transfers_checked").value(report.transfers_checked);
    out.key("problems").begin_array();
    for (const std::string& problem : report.problems) out.value(problem);
    out.end_array().end_object();
  });
}

}  // namespace

std::vector<RouteSpec> event_routes(NativeApi& api) {
  std::vector<RouteSpec> routes;
  routes.push_back(
      {.method = "GET",
       .pattern = "/events",
       .route_class = "read",
       .access = Access::authenticated,
       .handler = [&api](RequestContext& context) { return list_events(api, context); },
       .upgrade = {},
       .summary = "Events after a cursor, oldest first",
       .query_params = {"after", "limit", "market"}});
  routes.push_back(
      {.method = "GET",
       .pattern = "/ledger/verify",
       .route_class = "admin",
       .access = Access::admin,
       .handler = [&api](RequestContext& context) { return verify_ledger(api, context); },
       .upgrade = {},
       .summary = "Recompute every balance from the transfers (admin)"});
  return routes;
}

}  // namespace mc::server::native
