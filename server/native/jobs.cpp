// server/native/jobs.cpp — jobs, their lifecycle actions, history and offers.
//
// POST /jobs creates a job as the calling party (the admin names poster_id). Every lifecycle
// transition the market's definition offers is fired with POST /jobs/:id/actions/:transition;
// who may fire it, from which state, and what money moves is decided by the engine.
#include "../json_request.h"
#include "native_common.h"
#include "render.h"

namespace mc::server::native {
namespace {

// Who the caller is to a job's visibility rules: the admin is the platform.
JobViewer viewer_of(const Principal& principal) {
  if (principal.is_admin()) return JobViewer::of_platform();
  return JobViewer::of_party(principal.party_id);
}

Result<Response> job_response(NativeApi& api, const Principal& caller, int status,
                              const JobOutcome& outcome) {
  MC_TRY_ASSIGN(Market market, api.market(outcome.job.market_id));
  MC_TRY_ASSIGN(Job seen, api.engine().as_seen_by(outcome.job, viewer_of(caller)));
  Response response = json_response(outcome.replayed ? 200 : status, [&](json::JsonWriter& out) {
    write_job(out, seen, market.config.asset);
  });
  if (!outcome.fired.empty()) response.set_header("Marketcore-Transition", outcome.fired);
  return replayed_if(std::move(response), outcome.replayed);
}

Status read_job_fields(const JsonBody& body, CreateJob& request) {
  MC_TRY_ASSIGN(std::optional<std::string> title, body.optional_string("title"));
  request.title = title.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> description, body.optional_string("description"));
  request.description = description.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> prompt, body.optional_string("prompt"));
  request.prompt = prompt.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> category, body.optional_string("category"));
  request.category = category.value_or("");
  MC_TRY_ASSIGN(request.capabilities, body.string_array("capabilities"));
  MC_TRY_ASSIGN(request.deadline_at_ms, body.optional_int64("deadline_at_ms"));
  MC_TRY_ASSIGN(request.work_timeout_ms, body.optional_int64("work_timeout_ms"));
  MC_TRY_ASSIGN(std::optional<int64_t> contracts, body.optional_int64("contracts_max"));
  if (contracts && (*contracts < 1 || *contracts > 1'000'000)) {
    return invalid_argument("invalid_value", "contracts_max must be from 1 to 1000000",
                            "contracts_max");
  }
  request.contracts_max = static_cast<int32_t>(contracts.value_or(1));
  MC_TRY_ASSIGN(request.evaluator_id, body.optional_int64("evaluator_id"));
  MC_TRY_ASSIGN(request.worker_id, body.optional_int64("worker_id"));
  MC_TRY_ASSIGN(request.parent_job_id, body.optional_int64("parent_job_id"));
  MC_TRY_ASSIGN(std::optional<std::string> payload, body.optional_object_json("payload"));
  request.payload_json = payload.value_or("{}");
  MC_TRY_ASSIGN(std::optional<std::string> then_fire, body.optional_string("then_fire"));
  request.then_fire = then_fire.value_or("");
  return ok_status();
}

Result<Response> create_job(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(
      body.only({"market", "poster_id", "amount_minor", "amount", "title", "description", "prompt",
                 "category", "capabilities", "deadline_at_ms", "work_timeout_ms", "contracts_max",
                 "evaluator_id", "worker_id", "parent_job_id", "payload", "then_fire"}));
  CreateJob request;
  if (context.principal.is_admin()) {
    MC_TRY_ASSIGN(request.poster_id, body.required_int64("poster_id"));
    MC_TRY_ASSIGN(Party poster, api.engine().party(request.poster_id));
    request.market_id = poster.market_id;
  } else {
    if (body.has("poster_id")) {
      return invalid_argument("unknown_param", "poster_id is the caller", "poster_id");
    }
    request.poster_id = context.principal.party_id;
    request.market_id = context.principal.market_id;
  }
  MC_TRY_ASSIGN(Market market, api.market(request.market_id));
  MC_TRY_ASSIGN(std::optional<std::string> market_name, body.optional_string("market"));
  if (market_name && *market_name != market.config.name &&
      *market_name != std::to_string(market.id)) {
    return invalid_argument("market_mismatch", "the poster belongs to another market", "market");
  }
  MC_TRY_ASSIGN(std::optional<int64_t> minor, body.optional_int64("amount_minor"));
  MC_TRY_ASSIGN(std::optional<int64_t> major,
                body.optional_money("amount", market.config.asset.scale));
  if (minor.has_value() == major.has_value()) {
    return invalid_argument("missing_param", "give exactly one of amount_minor and amount",
                            "amount_minor");
  }
  request.amount_minor = minor ? *minor : *major;
  MC_TRY(read_job_fields(body, request));
  request.idempotency = NativeApi::idempotency(context);
  MC_TRY_ASSIGN(JobOutcome outcome, api.engine().create_job(request));
  return job_response(api, context.principal, 201, outcome);
}

Result<Response> list_jobs(NativeApi& api, RequestContext& context) {
  const Request& http = context.request;
  JobQuery query;
  if (context.principal.is_admin()) {
    if (auto market = http.query_param("market")) {
      MC_TRY_ASSIGN(Market found, api.market(*market));
      query.market_id = found.id;
    }
  } else {
    query.market_id = context.principal.market_id;
  }
  if (auto state = http.query_param("state")) query.state = std::string(*state);
  if (auto category = http.query_param("category")) query.category = std::string(*category);
  if (auto capability = http.query_param("capability")) {
    query.capability = std::string(*capability);
  }
  if (auto role = http.query_param("role")) {
    const PartyId me = context.principal.party_id;
    if (context.principal.is_admin()) {
      return invalid_argument("invalid_value", "role needs a party caller", "role");
    }
    if (*role == "poster") {
      query.poster_id = me;
    } else if (*role == "worker") {
      query.worker_id = me;
    } else if (*role == "any") {
      query.any_party_id = me;
    } else {
      return invalid_argument("invalid_value", "role must be poster, worker or any", "role");
    }
  }
  MC_TRY_ASSIGN(std::optional<int64_t> limit,
                query_int64(http.query_param("limit"), "limit", 1, 100));
  MC_TRY_ASSIGN(query.before_id,
                query_int64(http.query_param("starting_after"), "starting_after", 1, INT64_MAX));
  const int32_t page = static_cast<int32_t>(limit.value_or(20));
  query.limit = page + 1;
  MC_TRY_ASSIGN(std::vector<Job> jobs,
                api.engine().jobs_as_seen_by(query, viewer_of(context.principal)));
  const bool has_more = static_cast<int32_t>(jobs.size()) > page;
  if (has_more) jobs.resize(static_cast<size_t>(page));
  std::vector<Market> markets;
  for (const Job& job : jobs) {
    MC_TRY_ASSIGN(Market market, api.market(job.market_id));
    markets.push_back(std::move(market));
  }
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (size_t i = 0; i < jobs.size(); ++i) write_job(out, jobs[i], markets[i].config.asset);
    out.end_array().key("has_more").value(has_more).end_object();
  });
}

Result<Response> fire_action(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"result", "proof", "verdict", "confidence"}));
  FireTransition request;
  request.job_id = job.id;
  request.transition = std::string(context.params.get("transition"));
  if (context.principal.is_admin()) {
    request.as_platform = true;
  } else {
    request.actor_id = context.principal.party_id;
  }
  MC_TRY_ASSIGN(std::optional<std::string> result, body.optional_string("result"));
  request.result_text = result.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> proof, body.optional_object_json("proof"));
  request.proof_json = proof.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> verdict, body.optional_object_json("verdict"));
  request.verdict_json = verdict.value_or("");
  MC_TRY_ASSIGN(std::optional<int64_t> confidence, body.optional_int64("confidence"));
  if (confidence && (*confidence < 0 || *confidence > 100)) {
    return invalid_argument("invalid_value", "confidence must be from 0 to 100", "confidence");
  }
  if (confidence) request.confidence = static_cast<int32_t>(*confidence);
  request.idempotency = NativeApi::idempotency(context);
  MC_TRY_ASSIGN(JobOutcome outcome, api.engine().fire(request));
  return job_response(api, context.principal, 200, outcome);
}

Result<Response> history(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
  MC_TRY_ASSIGN(std::vector<JobTransitionRecord> records, api.engine().job_history(job.id));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const auto& record : records) write_history(out, record);
    out.end_array().key("has_more").value(false).end_object();
  });
}

Result<Response> submit_offer(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
  if (!context.principal.is_party()) {
    return permission_denied("party_required", "offers are made by parties");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY(body.only({"payload"}));
  MC_TRY_ASSIGN(std::optional<std::string> payload, body.optional_object_json("payload"));
  MC_TRY_ASSIGN(int64_t offer_id,
                api.engine().submit_offer({.job_id = job.id,
                                           .party_id = context.principal.party_id,
                                           .payload_json = payload.value_or("{}")}));
  return json_response(201, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("offer").key("id").value(offer_id);
    out.key("job_id").value(job.id).end_object();
  });
}

Result<Response> list_offers(NativeApi& api, RequestContext& context) {
  MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
  MC_TRY_ASSIGN(std::vector<Offer> offers, api.engine().offers(job.id));
  return json_response(200, [&](json::JsonWriter& out) {
    out.begin_object().key("object").value("list").key("data").begin_array();
    for (const Offer& offer : offers) write_offer(out, offer);
    out.end_array().key("has_more").value(false).end_object();
  });
}

RouteSpec route(std::string method, std::string pattern, std::string route_class, Handler handler,
                std::string summary, int success_status = 200,
                std::vector<std::string> query_params = {}) {
  return {.method = std::move(method),
          .pattern = std::move(pattern),
          .route_class = std::move(route_class),
          .access = Access::authenticated,
          .handler = std::move(handler),
          .upgrade = {},
          .summary = std::move(summary),
          .query_params = std::move(query_params),
          .success_status = success_status};
}

}  // namespace

std::vector<RouteSpec> job_routes(NativeApi& api) {
  auto bind = [&api](Result<Response> (*function)(NativeApi&, RequestContext&)) -> Handler {
    return [&api, function](RequestContext& context) { return function(api, context); };
  };
  std::vector<RouteSpec> routes;
  routes.push_back(route("POST", "/jobs", "write", bind(&create_job),
                         "Create a job (funds escrow per the market's lifecycle)", 201));
  routes.push_back(
      route("GET", "/jobs", "read", bind(&list_jobs),
            "Jobs of the caller's market, newest first (cursor pagination)", 200,
            {"market", "state", "role", "category", "capability", "limit", "starting_after"}));
  routes.push_back(route(
      "GET", "/jobs/:id", "read",
      [&api](RequestContext& context) -> Result<Response> {
        MC_TRY_ASSIGN(Job job, api.visible_job(context.principal, context.params.get("id")));
        MC_TRY_ASSIGN(job, api.engine().job_as_seen_by(job.id, viewer_of(context.principal)));
        return job_response(api, context.principal, 200,
                            JobOutcome{.job = job, .fired = "", .replayed = false});
      },
      "A job"));
  routes.push_back(route("POST", "/jobs/:id/actions/:transition", "write", bind(&fire_action),
                         "Fire a lifecycle transition (accept, submit, approve, cancel, ...)"));
  routes.push_back(
      route("GET", "/jobs/:id/history", "read", bind(&history), "The job's state transitions"));
  routes.push_back(route("POST", "/jobs/:id/offers", "write", bind(&submit_offer),
                         "Offer to work a job (markets with offers)", 201));
  routes.push_back(route("GET", "/jobs/:id/offers", "read", bind(&list_offers), "Offers on a job"));
  return routes;
}

}  // namespace mc::server::native
