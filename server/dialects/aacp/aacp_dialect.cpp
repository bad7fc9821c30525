// server/dialects/aacp/aacp_dialect.cpp — signatures, errors and routes of the AACP dialect.
// Handlers verify the wallet signature for their action, parse, call mc::aacp::Service and
// render.
#include "aacp_dialect.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "../../errors.h"
#include "../../json_request.h"
#include "aacp_render.h"
#include "marketcore/aacp.h"
#include "marketcore/auth_store_sqlite.h"
#include "marketcore/wallet_auth.h"

namespace mc::server::aacp {
namespace {

using mc::aacp::Service;

constexpr int32_t kEventsPerResponse = 100;

constexpr DetailRow<std::string_view> kMessageByDetail[] = {
    {kDetailRouteNotFound, "Not found"},         {kDetailMethodNotAllowed, "Method not allowed"},
    {kDetailMalformedJson, "Invalid JSON body"}, {"job_not_found", "Job not found"},
    {"agent_not_found", "Agent not found"},
};

Response envelope(int status, json::JsonWriter&& data) {
  json::JsonWriter out;
  out.begin_object();
  out.key("success").value(true);
  out.key("data").raw(std::move(data).take());
  out.end_object();
  return Response::json(status, std::move(out).take());
}

Response error_body(int status, std::string_view message) {
  json::JsonWriter out;
  out.begin_object();
  out.key("success").value(false);
  out.key("error").value(message);
  out.end_object();
  return Response::json(status, std::move(out).take());
}

Result<int64_t> parse_decimal(std::string_view text, std::string_view name) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 0) {
    return invalid_argument("invalid_value", std::string(name) + " must be a decimal integer",
                            std::string(name));
  }
  return value;
}

Result<JobId> job_id_of(const RequestContext& context) {
  Result<int64_t> id = parse_decimal(context.params.get("jobId"), "jobId");
  if (!id.ok() || *id == 0) return not_found("job_not_found", "Job not found");
  return *id;
}

// An amount (raw units) or a Unix-second time: a decimal string or a JSON integer.
Result<std::optional<int64_t>> optional_integer(const JsonBody& body, std::string_view name) {
  if (!body.has(name)) return std::optional<int64_t>();
  Result<std::optional<std::string>> text = body.optional_string(name);
  if (text.ok()) {
    MC_TRY_ASSIGN(int64_t value, parse_decimal(**text, name));
    return std::optional<int64_t>(value);
  }
  return body.optional_int64(name);
}

Result<int64_t> required_integer(const JsonBody& body, std::string_view name) {
  MC_TRY_ASSIGN(std::optional<int64_t> value, optional_integer(body, name));
  if (!value) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return *value;
}

Result<std::string> optional_text(const JsonBody& body, std::string_view name) {
  MC_TRY_ASSIGN(std::optional<std::string> text, body.optional_string(name));
  return text.value_or("");
}

class AacpDialect final : public Dialect {
 public:
  AacpDialect(ServerContext& context, std::shared_ptr<Service> service,
              std::shared_ptr<auth::WalletRequestVerifier> verifier)
      : context_(context), service_(std::move(service)), verifier_(std::move(verifier)) {}

  std::string name() const override { return "aacp"; }
  std::string default_prefix() const override { return "/aacp/api/v1"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"read", {.requests = 300, .window_ms = 60'000, .key = RateLimitKey::ip_path}},
            {"write", {.requests = 60, .window_ms = 60'000, .key = RateLimitKey::ip_path}}};
  }

  // Every credential is checked by the handler that knows its action and resource.
  Result<Principal> authenticate(const Request& request) const override {
    (void)request;
    return Principal{};
  }

  Response render_error(const Status& status) const override {
    std::string message = status.message();
    if (auto seed_message = lookup_detail(kMessageByDetail, status.detail())) {
      message = std::string(*seed_message);
    }
    if (message.empty()) message = "Internal server error";
    return error_body(aacp_status_for(status), message);
  }

  Response render_rate_limited(const Status& status, int64_t retry_after_s) const override {
    (void)status;
    (void)retry_after_s;
    return error_body(429, "Too many requests");
  }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override;

 private:
  // The verified signer of this request for `action` on `resource`.
  Result<std::string> signer(const RequestContext& context, std::string_view action,
                             std::string_view resource) const {
    const Request& request = context.request;
    auto header = [&](const char* name) { return request.header(name).value_or(""); };
    MC_TRY_ASSIGN(eth::Address address,
                  verifier_->verify({header("x-wallet-address"), header("x-wallet-signature"),
                                     header("x-wallet-timestamp")},
                                    action, resource));
    return eth::to_lower_address(address);
  }

  Result<Response> job_response(Result<mc::aacp::JobView> view, int status = 200) {
    MC_TRY(view.status());
    json::JsonWriter data;
    write_job(data, *view);
    return envelope(status, std::move(data));
  }

  Result<Response> agent_response(const mc::aacp::AgentView& agent, int status = 200) {
    json::JsonWriter data;
    write_agent(data, agent, true);
    return envelope(status, std::move(data));
  }

  Result<Response> dispute_response(const mc::aacp::DisputeView& dispute, int status = 200) {
    json::JsonWriter data;
    write_dispute(data, dispute);
    return envelope(status, std::move(data));
  }

  // --- reads
  Result<Response> list_jobs(RequestContext& context) {
    const Request& request = context.request;
    mc::aacp::JobFilter filter;
    auto text = [&](const char* name) -> std::optional<std::string> {
      std::optional<std::string_view> value = request.query_param(name);
      if (!value || value->empty()) return std::nullopt;
      return std::string(*value);
    };
    filter.status = text("status");
    filter.strategy_type = text("strategyType");
    filter.client_id = text("clientId");
    filter.provider_id = text("providerId");
    filter.evaluator_id = text("evaluatorId");
    filter.owner_address = text("ownerAddress");
    MC_TRY_ASSIGN(std::optional<int64_t> page,
                  query_int64(request.query_param("page"), "page", 1, 1'000'000));
    MC_TRY_ASSIGN(std::optional<int64_t> limit,
                  query_int64(request.query_param("limit"), "limit", 1, 1'000'000));
    filter.page = page.value_or(1);
    filter.limit = limit.value_or(20);
    MC_TRY_ASSIGN(mc::aacp::JobPage result, service_->jobs(filter));
    json::JsonWriter out;
    out.begin_object();
    out.key("success").value(true);
    out.key("data").begin_array();
    for (const mc::aacp::JobView& job : result.jobs) write_job(out, job);
    out.end_array();
    out.key("pagination").begin_object();
    out.key("page").value(result.page);
    out.key("limit").value(result.limit);
    out.key("total").value(result.total);
    out.end_object();
    out.end_object();
    return Response::json(200, std::move(out).take());
  }

  Result<Response> show_job(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    return job_response(service_->job(id));
  }

  Result<Response> list_snapshots(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    const Request& request = context.request;
    MC_TRY_ASSIGN(std::optional<int64_t> page,
                  query_int64(request.query_param("page"), "page", 1, 1'000'000));
    MC_TRY_ASSIGN(std::optional<int64_t> limit,
                  query_int64(request.query_param("limit"), "limit", 1, 1'000'000));
    MC_TRY_ASSIGN(int32_t size, service_->binding().list_limit(limit.value_or(20)));
    MC_TRY_ASSIGN(std::vector<mc::aacp::Snapshot> snapshots, service_->snapshots(id));
    json::JsonWriter out;
    out.begin_object();
    out.key("success").value(true);
    out.key("data").begin_array();
    const int64_t first = (page.value_or(1) - 1) * size;
    const auto total = static_cast<int64_t>(snapshots.size());
    for (int64_t i = first; i < total && i < first + size; ++i) {
      write_snapshot(out, snapshots[static_cast<size_t>(i)]);
    }
    out.end_array();
    out.key("pagination").begin_object();
    out.key("page").value(page.value_or(1));
    out.key("limit").value(static_cast<int64_t>(size));
    out.key("total").value(total);
    out.end_object();
    out.end_object();
    return Response::json(200, std::move(out).take());
  }

  Result<Response> job_dispute(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::optional<mc::aacp::DisputeView> dispute, service_->dispute_of_job(id));
    json::JsonWriter data;
    if (dispute) {
      write_dispute(data, *dispute);
    } else {
      data.null();
    }
    return envelope(200, std::move(data));
  }

  Result<Response> show_dispute(RequestContext& context) {
    Result<int64_t> id = parse_decimal(context.params.get("disputeId"), "disputeId");
    if (!id.ok()) return not_found("dispute_not_found", "Dispute not found");
    MC_TRY_ASSIGN(mc::aacp::DisputeView dispute, service_->dispute(*id));
    return dispute_response(dispute);
  }

  Result<Response> list_offers(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::vector<mc::aacp::OfferView> offers, service_->offers(id));
    json::JsonWriter data;
    data.begin_array();
    for (const mc::aacp::OfferView& offer : offers) write_offer(data, offer);
    data.end_array();
    return envelope(200, std::move(data));
  }

  Result<Response> show_agent(RequestContext& context) {
    MC_TRY_ASSIGN(mc::aacp::AgentView agent, service_->agent(context.params.get("agentId")));
    return agent_response(agent);
  }

  // --- offers
  Result<Response> submit_offer(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "offers", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string agent_id, body.required_string("agentId"));
    MC_TRY_ASSIGN(std::string owner, body.required_string("ownerAddress"));
    MC_TRY_ASSIGN(mc::aacp::OfferView offer, service_->submit_offer(caller, id, agent_id, owner));
    json::JsonWriter data;
    write_offer(data, offer);
    return envelope(200, std::move(data));
  }

  Result<Response> withdraw_offer(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "offers", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string owner, body.required_string("ownerAddress"));
    MC_TRY_ASSIGN(mc::aacp::OfferView offer,
                  service_->withdraw_offer(caller, id, context.params.get("agentId"), owner));
    json::JsonWriter data;
    data.begin_object();
    data.key("agentId").value(offer.agent_id);
    data.key("status").value(offer.status);
    data.end_object();
    return envelope(200, std::move(data));
  }

  // --- agents and money
  Result<Response> register_agent(RequestContext& context) {
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    mc::aacp::NewAgent agent;
    MC_TRY_ASSIGN(agent.agent_id, body.required_string("agentId"));
    MC_TRY_ASSIGN(std::string caller, signer(context, "register", agent.agent_id));
    MC_TRY_ASSIGN(agent.owner_address, body.required_string("ownerAddress"));
    MC_TRY_ASSIGN(agent.name, body.required_string("name"));
    MC_TRY_ASSIGN(std::optional<bool> evaluator, body.optional_bool("evaluator"));
    agent.evaluator = evaluator.value_or(false);
    MC_TRY_ASSIGN(std::optional<std::string> reputation, body.optional_object_json("reputation"));
    if (reputation) {
      MC_TRY_ASSIGN(JsonBody score, JsonBody::parse(*reputation));
      MC_TRY_ASSIGN(agent.reputation, score.optional_int64("score"));
    }
    MC_TRY_ASSIGN(mc::aacp::AgentView registered, service_->register_agent(caller, agent));
    return agent_response(registered, 201);
  }

  Result<Response> move_money(RequestContext& context, const char* action, mc::aacp::Purse purse,
                              bool deposit) {
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    mc::aacp::MoneyRequest request;
    MC_TRY_ASSIGN(request.agent_id, body.required_string("agentId"));
    MC_TRY_ASSIGN(std::string caller, signer(context, action, request.agent_id));
    MC_TRY_ASSIGN(request.owner_address, body.required_string("ownerAddress"));
    MC_TRY_ASSIGN(request.amount_minor, required_integer(body, "amount"));
    MC_TRY_ASSIGN(request.tx_hash, optional_text(body, "txHash"));
    MC_TRY_ASSIGN(mc::aacp::AgentView agent, deposit ? service_->deposit(caller, purse, request)
                                                     : service_->withdraw(caller, purse, request));
    return agent_response(agent);
  }

  // --- the lifecycle stand-ins
  Result<Response> create_job(RequestContext& context) {
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    mc::aacp::NewJob job;
    MC_TRY_ASSIGN(job.client_id, body.required_string("clientId"));
    MC_TRY_ASSIGN(std::string caller, signer(context, "jobs", job.client_id));
    MC_TRY_ASSIGN(job.evaluator_id, body.required_string("evaluatorId"));
    MC_TRY_ASSIGN(job.budget_minor, required_integer(body, "budget"));
    MC_TRY_ASSIGN(job.deadline_s, required_integer(body, "deadline"));
    MC_TRY_ASSIGN(job.strategy_type, body.required_string("strategyType"));
    MC_TRY_ASSIGN(job.program_hash, optional_text(body, "programHash"));
    MC_TRY_ASSIGN(job.rubric_hash, optional_text(body, "rubricHash"));
    MC_TRY_ASSIGN(std::optional<std::string> cex, body.optional_object_json("cexConfig"));
    if (cex) {
      MC_TRY_ASSIGN(JsonBody config, JsonBody::parse(*cex));
      mc::aacp::CexConfig parsed;
      MC_TRY_ASSIGN(parsed.stop_loss_bps, config.required_int64("stopLossBps"));
      MC_TRY_ASSIGN(parsed.target_return_bps, config.required_int64("targetReturnBps"));
      job.cex_config = parsed;
    }
    return job_response(service_->create_job(caller, job), 201);
  }

  Result<Response> fund(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "fund", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::optional<int64_t> expected, optional_integer(body, "expectedBudget"));
    return job_response(service_->fund(caller, id, expected));
  }

  Result<Response> choose_provider(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "provider", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string agent_id, body.required_string("agentId"));
    return job_response(service_->choose_provider(caller, id, agent_id));
  }

  Result<Response> submit(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "submit", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string hash, body.required_string("deliverableHash"));
    return job_response(service_->submit(caller, id, hash));
  }

  Result<Response> evaluate(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "evaluate", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::optional<bool> passed, body.optional_bool("passed"));
    if (!passed) return invalid_argument("missing_param", "passed is required", "passed");
    return job_response(service_->evaluate(caller, id, *passed));
  }

  Result<Response> claim_refund(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "claimRefund", std::to_string(id)));
    return job_response(service_->claim_refund(caller, id));
  }

  Result<Response> open_dispute(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "dispute", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string agent_id, body.required_string("agentId"));
    MC_TRY_ASSIGN(std::string reason, body.required_string("reason"));
    MC_TRY_ASSIGN(mc::aacp::DisputeView dispute,
                  service_->open_dispute(caller, id, agent_id, std::move(reason)));
    return dispute_response(dispute, 201);
  }

  Result<Response> vote(RequestContext& context, bool reveal) {
    Result<int64_t> id = parse_decimal(context.params.get("disputeId"), "disputeId");
    if (!id.ok()) return not_found("dispute_not_found", "Dispute not found");
    MC_TRY_ASSIGN(std::string caller,
                  signer(context, reveal ? "reveal" : "commit", std::to_string(*id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(std::string agent_id, body.required_string("agentId"));
    if (!reveal) {
      MC_TRY_ASSIGN(std::string commitment, body.required_string("commitment"));
      MC_TRY_ASSIGN(mc::aacp::DisputeView dispute,
                    service_->commit_vote(caller, *id, agent_id, commitment));
      return dispute_response(dispute);
    }
    MC_TRY_ASSIGN(std::string choice, body.required_string("vote"));
    MC_TRY_ASSIGN(std::string salt, body.required_string("salt"));
    MC_TRY_ASSIGN(mc::aacp::DisputeView dispute,
                  service_->reveal_vote(caller, *id, agent_id, choice, salt));
    return dispute_response(dispute);
  }

  Result<Response> report_snapshot(RequestContext& context) {
    MC_TRY_ASSIGN(JobId id, job_id_of(context));
    MC_TRY_ASSIGN(std::string caller, signer(context, "snapshots", std::to_string(id)));
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    mc::aacp::Snapshot snapshot;
    MC_TRY_ASSIGN(snapshot.reported_value_minor, required_integer(body, "reportedValue"));
    MC_TRY_ASSIGN(snapshot.snapshot_ts_s, required_integer(body, "snapshotTs"));
    MC_TRY_ASSIGN(snapshot.tx_hash, body.required_string("txHash"));
    MC_TRY_ASSIGN(std::optional<int64_t> block, optional_integer(body, "blockNumber"));
    snapshot.block_number = block ? std::to_string(*block) : "";
    MC_TRY_ASSIGN(std::optional<std::string> report, body.optional_object_json("balanceReport"));
    snapshot.balance_report_json = report.value_or("{}");
    MC_TRY_ASSIGN(snapshot.attestation, optional_text(body, "attestation"));
    MC_TRY_ASSIGN(mc::aacp::Snapshot stored, service_->report_snapshot(caller, id, snapshot));
    json::JsonWriter data;
    write_snapshot(data, stored);
    return envelope(201, std::move(data));
  }

  // Server-sent events: the market's job events after Last-Event-ID (or ?after=), at most
  // kEventsPerResponse per response; the client reconnects (retry: 1000) with the last id.
  Result<Response> events(RequestContext& context) {
    const Request& request = context.request;
    std::optional<std::string_view> last = request.header("last-event-id");
    if (!last) last = request.query_param("after");
    int64_t after = 0;
    if (last && !last->empty()) {
      MC_TRY_ASSIGN(after, parse_decimal(*last, "Last-Event-ID"));
    }
    MC_TRY_ASSIGN(std::vector<Event> events,
                  context_.engine->events({.after_sequence = after,
                                           .market_id = service_->binding().market_id(),
                                           .limit = kEventsPerResponse}));
    std::string body = "retry: 1000\n\n";
    int64_t cursor = after;
    for (const Event& event : events) {
      cursor = event.sequence;
      if (event.type.rfind("job.", 0) != 0) continue;
      body += "id: " + std::to_string(event.sequence) + "\nevent: " + event.type +
              "\ndata: " + event.payload_json + "\n\n";
    }
    // Moves the client's Last-Event-ID past events it does not receive (balances).
    if (cursor != after) body += "id: " + std::to_string(cursor) + "\n\n";
    Response response;
    response.status = 200;
    response.content_type = "text/event-stream";
    response.body = std::move(body);
    response.set_header("Cache-Control", "no-cache");
    return response;
  }

  ServerContext& context_;
  std::shared_ptr<Service> service_;
  std::shared_ptr<auth::WalletRequestVerifier> verifier_;
};

std::vector<RouteSpec> AacpDialect::routes(const std::string& mounted_prefix) {
  const std::string base = mounted_prefix.empty() || mounted_prefix == "/" ? "/api/v1" : "";
  using Handler = std::function<Result<Response>(RequestContext&)>;
  auto route = [&](const char* method, const std::string& pattern, const char* route_class,
                   Handler handler, const char* summary) {
    return RouteSpec{.method = method,
                     .pattern = base + pattern,
                     .route_class = route_class,
                     .access = Access::open,
                     .handler = std::move(handler),
                     .summary = summary};
  };
  auto bind = [this](Result<Response> (AacpDialect::*handler)(RequestContext&)) -> Handler {
    return [this, handler](RequestContext& c) { return (this->*handler)(c); };
  };
  auto money = [this](const char* action, mc::aacp::Purse purse, bool deposit) -> Handler {
    return [this, action, purse, deposit](RequestContext& c) {
      return move_money(c, action, purse, deposit);
    };
  };
  using D = AacpDialect;
  using P = mc::aacp::Purse;
  return {
      route("GET", "/jobs", "read", bind(&D::list_jobs), "List jobs"),
      route("GET", "/jobs/:jobId", "read", bind(&D::show_job), "A job with all its data"),
      route("GET", "/jobs/:jobId/snapshots", "read", bind(&D::list_snapshots),
            "TEE balance snapshots of a CEX_CAPITAL job"),
      route("GET", "/jobs/:jobId/dispute", "read", bind(&D::job_dispute),
            "The job's dispute, or null"),
      route("GET", "/jobs/:jobId/offers", "read", bind(&D::list_offers), "Provider offers"),
      route("POST", "/jobs/:jobId/offers", "write", bind(&D::submit_offer),
            "Submit a provider offer"),
      route("DELETE", "/jobs/:jobId/offers/:agentId", "write", bind(&D::withdraw_offer),
            "Withdraw a provider offer"),
      route("POST", "/jobs", "write", bind(&D::create_job), "createJob"),
      route("POST", "/jobs/:jobId/fund", "write", bind(&D::fund), "fund"),
      route("POST", "/jobs/:jobId/provider", "write", bind(&D::choose_provider), "setProvider"),
      route("POST", "/jobs/:jobId/submit", "write", bind(&D::submit), "submit"),
      route("POST", "/jobs/:jobId/evaluate", "write", bind(&D::evaluate), "complete / reject"),
      route("POST", "/jobs/:jobId/claimRefund", "write", bind(&D::claim_refund), "claimRefund"),
      route("POST", "/jobs/:jobId/dispute", "write", bind(&D::open_dispute), "File a dispute"),
      route("POST", "/jobs/:jobId/snapshots", "write", bind(&D::report_snapshot),
            "Report a snapshot"),
      route("GET", "/disputes/:disputeId", "read", bind(&D::show_dispute), "A dispute"),
      route(
          "POST", "/disputes/:disputeId/commit", "write",
          [this](RequestContext& c) { return vote(c, false); }, "Commit an arbitrator's vote"),
      route(
          "POST", "/disputes/:disputeId/reveal", "write",
          [this](RequestContext& c) { return vote(c, true); }, "Reveal an arbitrator's vote"),
      route("POST", "/agents/register", "write", bind(&D::register_agent), "Register an agent"),
      route("GET", "/agents/:agentId", "read", bind(&D::show_agent), "An agent"),
      route("POST", "/staking/deposit", "write", money("deposit", P::pool, true),
            "Deposit into the staking pool"),
      route("POST", "/staking/withdraw", "write", money("withdraw", P::pool, false),
            "Withdraw available stake"),
      route("POST", "/balance/deposit", "write", money("balanceDeposit", P::balance, true),
            "Deposit USDC for budgets"),
      route("POST", "/balance/withdraw", "write", money("balanceWithdraw", P::balance, false),
            "Withdraw USDC"),
      route("GET", "/events", "read", bind(&D::events), "Job events (server-sent events)"),
  };
}

}  // namespace

std::shared_ptr<Dialect> make_aacp_dialect(ServerContext& context) {
  Result<MarketBinding> market = mc::aacp::open_market(*context.engine, context.config.test_mode);
  if (!market.ok()) {
    std::fprintf(stderr, "aacp: cannot open its market: %s\n", market.status().to_string().c_str());
    std::abort();
  }
  auto service =
      std::make_shared<Service>(*context.engine, market->market(),
                                mc::aacp::ServiceOptions{.test_mode = context.config.test_mode});
  auto verifier = std::make_shared<auth::WalletRequestVerifier>(
      auth::WalletRequestOptions{}, context.engine->auth_stores().replay_guard, context.clock);
  return std::make_shared<AacpDialect>(context, std::move(service), std::move(verifier));
}

}  // namespace mc::server::aacp
