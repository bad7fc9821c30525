// server/dialects/j0/job_routes.cpp — POST /jobs, GET /jobs, GET /jobs/:id and the accept,
// complete and cancel actions. Every rule (bounds, who may act, first accept wins, timeouts,
// payouts, refunds) is mc::j0::J0Market's, and what each caller may see of a job (prompt,
// result) is the j0 lifecycle's visibility applied by the engine; this file reads the
// request and renders the seed's shapes.
#include "../../json_request.h"
#include "j0_api.h"
#include "j0_render.h"

namespace mc::server::j0 {
namespace {

Result<JobId> job_id(RequestContext& context) {
  const std::optional<int64_t> id = parse_positive_id(context.params.get("id"));
  if (!id) return not_found("job_not_found", "Job not found");
  return *id;
}

Result<Response> post_job(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::j0::PostJob request{.requester_id = context.principal.party_id};
  MC_TRY_ASSIGN(request.capability, body.required_string("capability"));
  MC_TRY_ASSIGN(request.credits, body.required_int64("credits"));
  MC_TRY_ASSIGN(request.timeout_sec, body.required_int64("timeout_sec"));
  MC_TRY_ASSIGN(request.prompt, body.required_string("prompt"));
  MC_TRY_ASSIGN(Job job, api.market().post_job(request));
  json::JsonWriter out;
  out.begin_object().key("job");
  write_posted_job(out, job);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<std::optional<PartyId>> query_party(const Request& request, std::string_view name) {
  const std::optional<std::string_view> text = request.query_param(name);
  if (!text) return std::optional<PartyId>();
  const std::optional<int64_t> id = parse_positive_id(*text);
  if (!id) {
    return invalid_argument("validation_error", std::string(name) + " must be a positive integer",
                            std::string(name));
  }
  return std::optional<PartyId>(*id);
}

Result<Response> list_jobs(J0Api& api, RequestContext& context) {
  const Request& request = context.request;
  mc::j0::JobFilter filter;
  if (auto status = request.query_param("status")) filter.status = std::string(*status);
  MC_TRY_ASSIGN(filter.requester_id, query_party(request, "requester_id"));
  MC_TRY_ASSIGN(filter.worker_id, query_party(request, "worker_id"));
  MC_TRY_ASSIGN(std::optional<int64_t> requested,
                query_int64(request.query_param("limit"), "limit", INT64_MIN, INT64_MAX));
  MC_TRY_ASSIGN(filter.limit, api.market().list_limit(requested));
  MC_TRY_ASSIGN(std::vector<Job> jobs,
                api.market().jobs(filter, JobViewer::of_party(context.principal.party_id)));
  json::JsonWriter out;
  out.begin_object().key("jobs").begin_array();
  for (const Job& job : jobs) write_job(out, job);
  out.end_array().end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> get_job(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JobId id, job_id(context));
  MC_TRY_ASSIGN(Job job, api.market().job(id, JobViewer::of_party(context.principal.party_id)));
  json::JsonWriter out;
  write_job(out, job);
  return Response::json(200, std::move(out).take());
}

Result<Response> accept_job(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JobId id, job_id(context));
  MC_TRY_ASSIGN(Job job, api.market().accept_job(id, context.principal.party_id));
  json::JsonWriter out;
  out.begin_object().key("job").begin_object();
  out.key("job_id").value(job.id);
  out.key("status").value(job.state);
  out.key("worker_id").value(context.principal.party_id);
  out.key("prompt").value(job.prompt);  // the accepted worker sees it in full
  out.key("accepted_at").value(format_time(job.accepted_at_ms.value_or(job.updated_at_ms)));
  out.key("expires_at").value(format_time(mc::j0::J0Market::expires_at_ms(job)));
  out.end_object().end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> complete_job(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JobId id, job_id(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string result, body.required_string("result"));
  MC_TRY_ASSIGN(mc::j0::Completion completion,
                api.market().complete_job(id, context.principal.party_id, std::move(result)));
  const Job& job = completion.job;
  json::JsonWriter out;
  out.begin_object().key("job").begin_object();
  out.key("job_id").value(job.id);
  out.key("status").value(job.state);
  out.key("result").value(job.result_text);
  out.key("completed_at").value(format_time(job.completed_at_ms.value_or(job.updated_at_ms)));
  out.end_object();
  out.key("credits_earned").value(completion.credits_earned);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> cancel_job(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JobId id, job_id(context));
  MC_TRY_ASSIGN(mc::j0::Cancellation cancellation,
                api.market().cancel_job(id, context.principal.party_id));
  json::JsonWriter out;
  out.begin_object().key("job").begin_object();
  out.key("job_id").value(cancellation.job.id);
  out.key("status").value(cancellation.job.state);
  out.end_object();
  out.key("credits_refunded").value(cancellation.credits_refunded);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

RouteSpec route(std::string method, std::string pattern, Handler handler, std::string summary) {
  return {.method = std::move(method),
          .pattern = std::move(pattern),
          .route_class = "user",
          .handler = std::move(handler),
          .summary = std::move(summary)};
}

}  // namespace

std::vector<RouteSpec> job_routes(J0Api& api) {
  auto bind = [&api](Result<Response> (*handler)(J0Api&, RequestContext&)) {
    return [&api, handler](RequestContext& context) { return handler(api, context); };
  };
  std::vector<RouteSpec> routes = {
      route("POST", "/jobs", bind(&post_job), "Post a job; its credits are escrowed"),
      route("GET", "/jobs", bind(&list_jobs), "List jobs"),
      route("GET", "/jobs/:id", bind(&get_job), "Job details"),
      route("POST", "/jobs/:id/accept", bind(&accept_job), "Accept a job (first accept wins)"),
      route("POST", "/jobs/:id/complete", bind(&complete_job), "Submit the result"),
      route("POST", "/jobs/:id/cancel", bind(&cancel_job), "Cancel (requester, before acceptance)"),
  };
  routes[1].query_params = {"status", "requester_id", "worker_id", "limit"};
  return routes;
}

}  // namespace mc::server::j0
