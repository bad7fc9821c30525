// server/dialects/j0/ws_route.cpp — GET /ws: the seed's real-time events over a WebSocket.
//
// Frames are {"event", "data", "timestamp"} for the seed's five events only (job.posted,
// job.accepted, job.completed, job.timeout, balance.updated); other outbox events (e.g.
// job.cancelled) are not sent. A connection sees the events that concern its user plus every
// job.posted (the engine's party filter with the broadcast flag), starting from the moment it
// connects. Data per event:
//   job.posted       {job_id, requester_id, capability, credits, timeout_sec, status,
//                     created_at, expires_at}
//   job.accepted     {job_id, worker_id, status, accepted_at, expires_at}
//   job.completed    {job_id, result, credits_earned}
//   job.timeout      {job_id, status, credits_refunded}
//   balance.updated  {cash_cents, promo_cents, total_cents}
#include <simdjson.h>

#include "../../websocket/event_stream.h"
#include "j0_api.h"
#include "j0_render.h"
#include "marketcore/webhooks.h"

namespace mc::server::j0 {
namespace {

struct Payload {
  int64_t job_id = 0;
  int64_t worker_id = 0;
  int64_t at_ms = 0;
  int64_t expires_at_ms = 0;
  int64_t available_minor = 0;
  int64_t promo_minor = 0;
};

Payload read_payload(const std::string& json) {
  Payload payload;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(json)).get(root) != simdjson::SUCCESS) return payload;
  auto read = [&root](const char* key, int64_t& into) {
    if (root[key].get_int64().get(into) != simdjson::SUCCESS) into = 0;
  };
  read("job_id", payload.job_id);
  read("worker_id", payload.worker_id);
  read("at_ms", payload.at_ms);
  read("expires_at_ms", payload.expires_at_ms);
  read("available_minor", payload.available_minor);
  read("promo_minor", payload.promo_minor);
  return payload;
}

void write_job_data(json::JsonWriter& out, const Event& event, const Payload& payload,
                    const Job& job) {
  out.key("job_id").value(job.id);
  if (event.type == "job.posted") {
    out.key("requester_id").value(job.poster_id);
    out.key("capability").value(job.category);
    out.key("credits").value(job.amount_minor);
    out.key("timeout_sec").value(job.work_timeout_ms.value_or(0) / 1000);
    out.key("status").value("posted");
    out.key("created_at").value(format_time(job.created_at_ms));
    out.key("expires_at").value(format_time(mc::j0::J0Market::unaccepted_expires_at_ms(job)));
  } else if (event.type == "job.accepted") {
    out.key("worker_id").value(payload.worker_id);
    out.key("status").value("accepted");
    out.key("accepted_at").value(format_time(payload.at_ms));
    out.key("expires_at").value(format_time(payload.expires_at_ms));
  } else if (event.type == "job.completed") {
    out.key("result").value(job.result_text);
    out.key("credits_earned").value(mc::j0::J0Market::credits_earned(job));
  } else {  // job.timeout
    out.key("status").value("timeout");
    out.key("credits_refunded").value(job.amount_minor);
  }
}

// The frame of one outbox event, or nullopt for events j0 does not send.
// The job is read as the connection's user may see it (the j0 lifecycle's visibility).
std::optional<std::string> render_frame(J0Api& api, const Event& event, PartyId viewer) {
  const bool job_event = event.type == "job.posted" || event.type == "job.accepted" ||
                         event.type == "job.completed" || event.type == "job.timeout";
  if (!job_event && event.type != "balance.updated") return std::nullopt;
  const Payload payload = read_payload(event.payload_json);
  json::JsonWriter out;
  out.begin_object();
  out.key("event").value(event.type);
  out.key("data").begin_object();
  if (job_event) {
    Result<Job> job =
        api.market().job(event.job_id.value_or(payload.job_id), JobViewer::of_party(viewer));
    if (!job.ok()) return std::nullopt;
    write_job_data(out, event, payload, job.value());
  } else {
    const mc::j0::CreditBalance balance =
        mc::j0::J0Market::credit_balance(payload.available_minor, payload.promo_minor);
    out.key("cash_cents").value(balance.cash_cents);
    out.key("promo_cents").value(balance.promo_cents);
    out.key("total_cents").value(balance.total_cents);
  }
  out.end_object();
  out.key("timestamp").value(format_time(event.created_at_ms));
  out.end_object();
  return std::move(out).take();
}

void open_stream(J0Api& api, std::unique_ptr<UpgradedStream> stream, RequestContext& context) {
  ServerContext& server = api.context();
  // Start at the outbox head: a new connection gets what happens from now on.
  Result<int64_t> head = server.engine->webhooks().outbox_head();
  websocket::EventStreamSpec spec{
      .query = {.after_sequence = head.ok() ? head.value() : 0,
                .market_id = api.market().market_id(),
                .party_id = context.principal.party_id},
      .render = [&api, viewer = context.principal.party_id](const Event& event) {
        return render_frame(api, event, viewer);
      }};
  websocket::EventStreamHub::of(server)->attach(std::move(stream), std::move(spec));
}

}  // namespace

std::vector<RouteSpec> ws_routes(J0Api& api) {
  return {
      {.method = "GET",
       .pattern = "/ws",
       .route_class = "user",
       .upgrade = [&api](std::unique_ptr<UpgradedStream> stream,
                         RequestContext& context) { open_stream(api, std::move(stream), context); },
       .summary = "WebSocket: job.posted, job.accepted, job.completed, job.timeout, "
                  "balance.updated"}};
}

}  // namespace mc::server::j0
