// server/dialects/humanops/humanops_dialect.cpp — auth, errors and routes of the HumanOps
// dialect. Handlers parse, call mc::humanops::Service, render.
#include "humanops_dialect.h"

#include <cstdio>
#include <cstdlib>

#include "../../errors.h"
#include "../../json_request.h"
#include "auth/rfc3339.h"
#include "http_verifier.h"
#include "humanops_render.h"
#include "marketcore/crypto.h"
#include "marketcore/humanops.h"
#include "marketcore/webhook_signatures.h"
#include "mcp_dialect.h"
#include "multipart.h"
#include "operator_auth.h"
#include "uploads.h"
#include "verification_component.h"

namespace mc::server::humanops {
namespace {

using mc::humanops::Service;

constexpr std::string_view kAgentSubject = "agent:";
constexpr std::string_view kOperatorSubject = "operator:";

constexpr DetailRow<std::string_view> kMessageByDetail[] = {
    {"api_key_invalid", "Invalid API key"},
    {"missing_credentials", "Missing or invalid API key / operator ID"},
    {kDetailRouteNotFound, "Not found"},
    {kDetailMethodNotAllowed, "Method not allowed"},
    {kDetailMalformedJson, "Invalid JSON body"},
};

bool has_prefix(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

class HumanOpsDialect final : public Dialect {
 public:
  HumanOpsDialect(ServerContext& context, std::shared_ptr<Service> service,
                  std::shared_ptr<const OperatorAuth> operators,
                  std::shared_ptr<UploadStore> uploads, std::function<void()> wake_verifier)
      : context_(context),
        service_(std::move(service)),
        operators_(std::move(operators)),
        uploads_(std::move(uploads)),
        wake_verifier_(std::move(wake_verifier)) {}

  std::string name() const override { return "humanops"; }
  std::string default_prefix() const override { return "/humanops/api/v1"; }

  std::map<std::string, RateLimitRule> default_rate_limits() const override {
    return {{"api", {.requests = 100, .window_ms = 60'000, .key = RateLimitKey::ip_path}},
            {"upload", {.requests = 10, .window_ms = 60'000, .key = RateLimitKey::ip_path}}};
  }

  Result<Principal> authenticate(const Request& request) const override {
    if (const std::optional<std::string_view> key = request.header("x-api-key")) {
      MC_TRY_ASSIGN(Party party, service_->authenticate_agent(*key));
      return Principal{.kind = Principal::Kind::party,
                       .party_id = party.id,
                       .market_id = party.market_id,
                       .subject = std::string(kAgentSubject) + std::to_string(party.id)};
    }
    MC_TRY_ASSIGN(std::optional<std::string> identity, operators_->identity(request));
    if (!identity) return Principal{};
    Result<Party> party = service_->operator_by_id(*identity);
    if (!party.ok()) {
      // Not registered yet: anonymous, so that POST /operator/register can register it.
      if (party.status().code() == Code::unauthenticated) return Principal{};
      return party.status();
    }
    return Principal{.kind = Principal::Kind::party,
                     .party_id = party->id,
                     .market_id = party->market_id,
                     .subject = std::string(kOperatorSubject) + std::to_string(party->id)};
  }

  Response render_error(const Status& status) const override {
    std::string message = status.message();
    if (auto seed_message = lookup_detail(kMessageByDetail, status.detail())) {
      message = std::string(*seed_message);
    }
    if (message.empty()) message = "Internal server error";
    return error_response(humanops_status_for(status), message);
  }

  Response render_rate_limited(const Status& status, int64_t retry_after_s) const override {
    (void)status;
    (void)retry_after_s;
    return error_response(429, "Too many requests");
  }

  std::vector<RouteSpec> routes(const std::string& mounted_prefix) override;

 private:
  static Result<PartyId> agent(const RequestContext& context) {
    if (!has_prefix(context.principal.subject, kAgentSubject)) {
      return unauthenticated("api_key_invalid", "Missing or invalid API key");
    }
    return context.principal.party_id;
  }
  static Result<PartyId> operator_party(const RequestContext& context) {
    if (!has_prefix(context.principal.subject, kOperatorSubject)) {
      return unauthenticated("operator_unknown", "Missing or invalid operator ID");
    }
    return context.principal.party_id;
  }

  std::optional<Party> party_of(std::optional<PartyId> id) const {
    if (!id) return std::nullopt;
    Result<Party> party = context_.engine->party(*id);
    if (!party.ok()) return std::nullopt;
    return std::move(party).value();
  }

  Result<Response> register_agent(RequestContext& context);
  Result<Response> create_key(RequestContext& context);
  Result<Response> list_keys(RequestContext& context);
  Result<Response> revoke_key(RequestContext& context);
  Result<Response> balance(RequestContext& context);
  Result<Response> deposit_usdc(RequestContext& context);
  Result<Response> deposit_fiat(RequestContext& context);
  Result<Response> deposit_status(RequestContext& context);
  Result<Response> create_task(RequestContext& context);
  Result<Response> list_tasks(RequestContext& context);
  Result<Response> show_task(RequestContext& context);
  Result<Response> cancel_task(RequestContext& context);
  Result<Response> verify_task(RequestContext& context);
  Result<Response> retrieve_credential(RequestContext& context);
  Result<Response> register_operator(RequestContext& context);
  Result<Response> browse(RequestContext& context);
  Result<Response> accept(RequestContext& context);
  Result<Response> submit(RequestContext& context);
  Result<Response> upload(RequestContext& context);
  Result<Response> serve_upload(RequestContext& context);
  Result<Response> earnings(RequestContext& context);
  Result<Response> payout(RequestContext& context);
  Result<Response> payout_status(RequestContext& context);
  Result<Response> dlocal_webhook(RequestContext& context);

  ServerContext& context_;
  std::shared_ptr<Service> service_;
  std::shared_ptr<const OperatorAuth> operators_;
  std::shared_ptr<UploadStore> uploads_;
  std::function<void()> wake_verifier_;
  std::string mounted_prefix_;
};

Response ok_json(int status, json::JsonWriter&& out) {
  return Response::json(status, std::move(out).take());
}

Result<int64_t> query_number(const Request& request, std::string_view name, int64_t fallback,
                             int64_t min) {
  MC_TRY_ASSIGN(std::optional<int64_t> value,
                query_int64(request.query_param(name), name, min, INT64_MAX));
  return value.value_or(fallback);
}

std::optional<std::string> query_text(const Request& request, std::string_view name) {
  std::optional<std::string_view> value = request.query_param(name);
  if (!value || value->empty()) return std::nullopt;
  return std::string(*value);
}

Result<int64_t> required_money(const JsonBody& body, std::string_view name) {
  MC_TRY_ASSIGN(std::optional<int64_t> amount, body.optional_money(name, 2));
  if (!amount) {
    return invalid_argument("missing_param", std::string(name) + " is required", std::string(name));
  }
  return *amount;
}

void write_pagination(json::JsonWriter& out, const mc::humanops::TaskPage& page) {
  out.key("pagination").begin_object();
  out.key("limit").value(page.limit);
  out.key("offset").value(page.offset);
  out.key("total").value(page.total);
  out.end_object();
}

Result<Response> HumanOpsDialect::register_agent(RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::humanops::NewAgent agent;
  MC_TRY_ASSIGN(agent.name, body.required_string("name"));
  MC_TRY_ASSIGN(agent.email, body.required_string("email"));
  MC_TRY_ASSIGN(std::optional<std::string> company, body.optional_string("company"));
  agent.company = company.value_or("");
  const std::optional<std::string_view> admin = context.request.header("x-admin-key");
  const bool admin_ok = admin && !context_.config.admin_key.empty() &&
                        crypto::constant_time_equal(*admin, context_.config.admin_key);
  MC_TRY_ASSIGN(mc::humanops::RegisteredAgent registered,
                service_->register_agent(agent, admin_ok));
  json::JsonWriter out;
  out.begin_object();
  out.key("agent_id").value(registered.agent_id);
  out.key("api_key").value(registered.api_key);
  out.key("message").value("Save this API key - it won't be shown again.");
  out.end_object();
  return ok_json(201, std::move(out));
}

Result<Response> HumanOpsDialect::create_key(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::optional<std::string> label, body.optional_string("name"));
  MC_TRY_ASSIGN(mc::humanops::NewKey key, service_->create_key(id, label.value_or("")));
  json::JsonWriter out;
  out.begin_object();
  out.key("id").value(key.record.id);
  out.key("api_key").value(key.api_key);
  out.key("key_prefix").value(key.record.display_prefix);
  out.key("name").value(key.record.label);
  out.key("created_at").value(auth::format_rfc3339_ms(key.record.created_at_ms));
  out.end_object();
  return ok_json(201, std::move(out));
}

Result<Response> HumanOpsDialect::list_keys(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(std::vector<auth::ApiKeyRecord> keys, service_->keys(id));
  json::JsonWriter out;
  out.begin_object().key("data").begin_array();
  for (const auth::ApiKeyRecord& key : keys) {
    out.begin_object();
    out.key("id").value(key.id);
    out.key("keyPrefix").value(key.display_prefix);
    out.key("name").value(key.label);
    write_time(out, "lastUsed", key.last_used_at_ms);
    write_time(out, "createdAt", key.created_at_ms);
    out.end_object();
  }
  out.end_array().end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::revoke_key(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY(service_->revoke_key(id, context.params.get("id")));
  json::JsonWriter out;
  out.begin_object().key("revoked").value(true).end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::balance(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(Balances balances, service_->balances(id));
  json::JsonWriter out;
  out.begin_object();
  write_money(out, "deposit_balance", balances.available_minor);
  write_money(out, "escrow_balance", balances.escrow_minor);
  out.key("currency").value("USD");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::deposit_usdc(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string tx_hash, body.required_string("tx_hash"));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount_usdc"));
  MC_TRY_ASSIGN(mc::humanops::Deposited deposited, service_->deposit_usdc(id, tx_hash, amount));
  json::JsonWriter out;
  out.begin_object();
  out.key("transaction_id").value(deposited.transaction_id);
  write_money(out, "amount_usd", deposited.amount_minor);
  out.key("status").value(deposited.status);
  out.key("chain").value("base");
  out.key("message").value("USDC deposit confirmed");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::deposit_fiat(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount_usd"));
  MC_TRY_ASSIGN(std::optional<std::string> method, body.optional_string("payment_method"));
  MC_TRY_ASSIGN(std::optional<std::string> return_url, body.optional_string("return_url"));
  MC_TRY_ASSIGN(
      mc::humanops::Deposited deposited,
      service_->deposit_fiat(id, amount, method.value_or("card"), return_url.value_or("")));
  json::JsonWriter out;
  out.begin_object();
  if (!deposited.transaction_id.empty()) {
    out.key("transaction_id").value(deposited.transaction_id);
  }
  out.key("payment_id").value(deposited.payment_id);
  write_money(out, "amount_usd", deposited.amount_minor);
  out.key("status").value(deposited.status);
  if (!deposited.redirect_url.empty()) out.key("redirect_url").value(deposited.redirect_url);
  out.key("message").value(deposited.status == "completed"
                               ? (service_->test_mode() ? "Funds added (test mode)" : "Funds added")
                               : "Payment started");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::deposit_status(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  std::string payment_id = query_text(context.request, "payment_id").value_or("");
  if (payment_id.empty() && context.request.method == "POST") {
    MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
    MC_TRY_ASSIGN(payment_id, body.required_string("payment_id"));
  }
  MC_TRY_ASSIGN(mc::humanops::Deposited deposited, service_->deposit_status(id, payment_id));
  json::JsonWriter out;
  out.begin_object();
  out.key("payment_id").value(deposited.payment_id);
  out.key("status").value(deposited.status);
  write_money(out, "amount_usd", deposited.amount_minor);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::create_task(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::humanops::NewTask task;
  MC_TRY_ASSIGN(task.title, body.required_string("title"));
  MC_TRY_ASSIGN(task.description, body.required_string("description"));
  MC_TRY_ASSIGN(task.task_type, body.required_string("task_type"));
  MC_TRY_ASSIGN(task.reward_minor, required_money(body, "reward_usd"));
  MC_TRY_ASSIGN(std::string deadline, body.required_string("deadline"));
  task.deadline_ms = auth::parse_rfc3339_ms(deadline);
  if (!task.deadline_ms) {
    return invalid_argument("invalid_value", "deadline must be an ISO 8601 date-time", "deadline");
  }
  if (!body.has("proof_requirements")) {
    return invalid_argument("missing_param", "proof_requirements is required",
                            "proof_requirements");
  }
  MC_TRY_ASSIGN(task.proof_requirements, body.string_array("proof_requirements"));
  MC_TRY_ASSIGN(task.location_json, body.optional_object_json("location"));
  MC_TRY_ASSIGN(task.task_domain, body.optional_string("task_domain"));
  MC_TRY_ASSIGN(task.proof_type, body.optional_string("proof_type"));
  MC_TRY_ASSIGN(task.digital_instructions, body.optional_string("digital_instructions"));
  MC_TRY_ASSIGN(task.callback_url, body.optional_string("callback_url"));
  MC_TRY_ASSIGN(task.callback_secret, body.optional_string("callback_secret"));
  MC_TRY_ASSIGN(task.agent_public_key, body.optional_string("agent_public_key"));
  if (auto key = context.request.header("idempotency-key")) task.idempotency_key = *key;
  MC_TRY_ASSIGN(JobOutcome created, service_->create_task(id, task));
  const Job& job = created.job;
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  write_money(out, "reward_usd", job.amount_minor);
  write_money(out, "platform_fee", job.fees.platform_fee_minor);
  write_money(out, "total_escrow", job.fees.escrow_minor);
  write_time(out, "deadline", job.deadline_at_ms);
  write_time(out, "created_at", job.created_at_ms);
  out.end_object();
  Response response = ok_json(201, std::move(out));
  if (created.replayed) response.set_header("Idempotent-Replayed", "true");
  return response;
}

Result<Response> HumanOpsDialect::list_tasks(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  mc::humanops::TaskFilter filter;
  filter.status = query_text(context.request, "status");
  MC_TRY_ASSIGN(filter.limit, query_number(context.request, "limit", 20, INT64_MIN));
  MC_TRY_ASSIGN(filter.offset, query_number(context.request, "offset", 0, INT64_MIN));
  MC_TRY_ASSIGN(mc::humanops::TaskPage page, service_->tasks(id, filter));
  json::JsonWriter out;
  out.begin_object().key("data").begin_array();
  for (const Job& job : page.tasks) write_task_summary(out, job, party_of(job.worker_id));
  out.end_array();
  write_pagination(out, page);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::show_task(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(Job job, service_->task(id, context.params.get("id")));
  std::optional<int64_t> verified_at;
  MC_TRY_ASSIGN(std::vector<JobTransitionRecord> history, context_.engine->job_history(job.id));
  for (const JobTransitionRecord& step : history) {
    if (has_prefix(step.transition, "verify_") || step.transition == "manual_review") {
      verified_at = step.at_ms;
      break;
    }
  }
  json::JsonWriter out;
  write_task_detail(out, job, party_of(job.worker_id), verified_at);
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::cancel_task(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(Job job, service_->cancel(id, context.params.get("id")));
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  write_money(out, "refunded_usd", job.fees.escrow_minor);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::verify_task(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string decision, body.required_string("decision"));
  MC_TRY_ASSIGN(Job job, service_->verify(id, context.params.get("id"), decision));
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  out.key("message").value(decision == "APPROVE" ? "Task manually approved and completed."
                                                 : "Task manually rejected and disputed.");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::retrieve_credential(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId id, agent(context));
  const std::string_view task = context.params.get("id");
  MC_TRY_ASSIGN(std::string blob, service_->retrieve_credential(id, task));
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(task);
  out.key("encrypted_credential").raw(blob);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::register_operator(RequestContext& context) {
  MC_TRY_ASSIGN(std::optional<std::string> identity, operators_->identity(context.request));
  if (!identity) {
    return unauthenticated("operator_unknown", service_->test_mode()
                                                   ? "Missing X-Operator-Id header"
                                                   : "Missing operator token");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::humanops::NewOperator op{.external_id = *identity};
  MC_TRY_ASSIGN(op.name, body.required_string("name"));
  MC_TRY_ASSIGN(op.email, body.required_string("email"));
  MC_TRY_ASSIGN(std::optional<std::string> phone, body.optional_string("phone"));
  op.phone = phone.value_or("");
  MC_TRY_ASSIGN(std::optional<std::string> location, body.optional_object_json("location"));
  op.location_json = location.value_or("{}");
  MC_TRY_ASSIGN(op.skills, body.string_array("skills"));
  MC_TRY_ASSIGN(Party party, service_->register_operator(op));
  json::JsonWriter out;
  out.begin_object();
  out.key("operator_id").value(party.external_id);
  out.key("name").value(party.display_name);
  out.key("kyc_status").value(party.kyc_status);
  out.end_object();
  return ok_json(201, std::move(out));
}

Result<Response> HumanOpsDialect::browse(RequestContext& context) {
  MC_TRY(operator_party(context).status());
  mc::humanops::TaskFilter filter;
  filter.task_type = query_text(context.request, "task_type");
  MC_TRY_ASSIGN(filter.limit, query_number(context.request, "limit", 20, INT64_MIN));
  MC_TRY_ASSIGN(filter.offset, query_number(context.request, "offset", 0, INT64_MIN));
  MC_TRY_ASSIGN(mc::humanops::TaskPage page, service_->available_tasks(filter));
  json::JsonWriter out;
  out.begin_object().key("data").begin_array();
  for (const Job& job : page.tasks) write_offered_task(out, job);
  out.end_array();
  write_pagination(out, page);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::accept(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId op, operator_party(context));
  MC_TRY_ASSIGN(Job job, service_->accept(op, context.params.get("id")));
  const mc::humanops::TaskFields fields = mc::humanops::task_fields(job);
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  write_time(out, "accepted_at", job.accepted_at_ms);
  out.key("location").raw(fields.location_json);
  if (!fields.agent_public_key.empty()) out.key("agent_public_key").value(fields.agent_public_key);
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::submit(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId op, operator_party(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  mc::humanops::Proof proof;
  MC_TRY_ASSIGN(proof.photos, body.string_array("photos"));
  MC_TRY_ASSIGN(std::optional<std::string> notes, body.optional_string("notes"));
  proof.notes = notes.value_or("");
  MC_TRY_ASSIGN(proof.confirmation_text, body.optional_string("confirmation_text"));
  MC_TRY_ASSIGN(proof.reference_url, body.optional_string("reference_url"));
  MC_TRY_ASSIGN(proof.encrypted_credential_json, body.optional_object_json("encrypted_credential"));
  MC_TRY_ASSIGN(Job job, service_->submit(op, context.params.get("id"), proof));
  if (wake_verifier_) wake_verifier_();
  json::JsonWriter out;
  out.begin_object();
  out.key("task_id").value(mc::humanops::task_id(job.id));
  out.key("status").value(job.state);
  write_time(out, "submitted_at", job.submitted_at_ms);
  out.key("message").value("Proof submitted. AI Guardian verification in progress.");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::upload(RequestContext& context) {
  MC_TRY(operator_party(context).status());
  const std::string content_type(context.request.header("content-type").value_or(""));
  MC_TRY_ASSIGN(FormFile file, multipart_file(content_type, context.request.body, "file"));
  if (file.content.empty()) return invalid_argument("invalid_value", "file is empty", "file");
  MC_TRY_ASSIGN(StoredUpload stored, uploads_->put(file.content, file.content_type, file.filename));
  std::string base;
  if (const char* public_url = std::getenv("MARKETCORE_HUMANOPS_PUBLIC_URL")) base = public_url;
  if (base.empty()) {
    base = "http://" + std::string(context.request.header("host").value_or("localhost"));
  }
  const std::string prefix = mounted_prefix_ == "/" ? "/api/v1" : mounted_prefix_;
  json::JsonWriter out;
  out.begin_object().key("url").value(base + prefix + "/uploads/" + stored.name).end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::serve_upload(RequestContext& context) {
  MC_TRY_ASSIGN(auto file, uploads_->get(std::string(context.params.get("name"))));
  Response response;
  response.status = 200;
  response.content_type = file.second;
  response.body = std::move(file.first);
  return response;
}

Result<Response> HumanOpsDialect::earnings(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId op, operator_party(context));
  MC_TRY_ASSIGN(mc::humanops::Earnings earnings, service_->earnings(op));
  json::JsonWriter out;
  out.begin_object();
  write_money(out, "pending_balance", earnings.pending_minor);
  write_money(out, "available_balance", earnings.available_minor);
  write_money(out, "total_earned", earnings.total_earned_minor);
  out.key("currency").value("USD");
  out.key("recent_tasks").begin_array();
  for (const Job& job : earnings.recent_tasks) {
    out.begin_object();
    out.key("task_id").value(mc::humanops::task_id(job.id));
    out.key("title").value(job.title);
    write_money(out, "reward_usd", job.fees.worker_minor);
    out.key("status").value(job.state);
    write_time(out, "completed_at", job.completed_at_ms);
    out.end_object();
  }
  out.end_array();
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::payout(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId op, operator_party(context));
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount_usd"));
  MC_TRY_ASSIGN(std::optional<std::string> payee, body.optional_string("payoneer_payee_id"));
  MC_TRY_ASSIGN(mc::humanops::Payout payout, service_->payout(op, amount, payee.value_or("")));
  json::JsonWriter out;
  out.begin_object();
  out.key("payout_id").value(payout.payout_id);
  out.key("status").value(payout.status);
  write_money(out, "amount_usd", payout.amount_minor);
  out.key("message").value(service_->test_mode() ? "Payout completed (test mode)"
                                                 : "Payout completed");
  out.end_object();
  return ok_json(200, std::move(out));
}

Result<Response> HumanOpsDialect::payout_status(RequestContext& context) {
  MC_TRY_ASSIGN(PartyId op, operator_party(context));
  MC_TRY_ASSIGN(mc::humanops::Payout payout, service_->payout_status(op, context.params.get("id")));
  json::JsonWriter out;
  out.begin_object();
  out.key("payout_id").value(payout.payout_id);
  out.key("status").value(payout.status);
  write_money(out, "amount_usd", payout.amount_minor);
  out.end_object();
  return ok_json(200, std::move(out));
}

// dLocal's payment confirmation: X-Signature is the hex HMAC-SHA256 of the raw body with
// MARKETCORE_HUMANOPS_DLOCAL_SECRET; PAID and COMPLETED credit the order's agent once.
Result<Response> HumanOpsDialect::dlocal_webhook(RequestContext& context) {
  const char* secret = std::getenv("MARKETCORE_HUMANOPS_DLOCAL_SECRET");
  if (secret == nullptr || *secret == '\0') {
    return Status(Code::unavailable, "payments_unavailable",
                  "The dLocal webhook is not configured");
  }
  const std::string signature(context.request.header("x-signature").value_or(""));
  if (!auth::verify_body_hex(secret, context.request.body, signature).ok()) {
    return unauthenticated("webhook_bad_signature", "Invalid webhook signature");
  }
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string status, body.required_string("status"));
  MC_TRY_ASSIGN(std::string order_id, body.required_string("order_id"));
  MC_TRY_ASSIGN(int64_t amount, required_money(body, "amount"));
  json::JsonWriter out;
  out.begin_object().key("received").value(true);
  if (status == "PAID" || status == "COMPLETED") {
    MC_TRY_ASSIGN(mc::humanops::Deposited credited, service_->credit_payment(order_id, amount));
    out.key("credited").value(true);
    out.key("transaction_id").value(credited.transaction_id);
  } else {
    out.key("credited").value(false);
  }
  out.end_object();
  return ok_json(200, std::move(out));
}

std::vector<RouteSpec> HumanOpsDialect::routes(const std::string& mounted_prefix) {
  mounted_prefix_ = mounted_prefix;
  // At the root the seed's own paths apply (/api/v1/...); under a prefix, the prefix replaces
  // "/api/v1" (/humanops/api/v1/tasks).
  const std::string base = mounted_prefix.empty() || mounted_prefix == "/" ? "/api/v1" : "";
  using Method = Result<Response> (HumanOpsDialect::*)(RequestContext&);
  auto route = [&](const char* method, const std::string& pattern, Access access, Method handler,
                   const char* summary, const char* route_class = "api") {
    return RouteSpec{.method = method,
                     .pattern = base + pattern,
                     .route_class = route_class,
                     .access = access,
                     .handler = [this, handler](RequestContext& c) { return (this->*handler)(c); },
                     .summary = summary};
  };
  const Access open = Access::open;
  const Access in = Access::authenticated;
  using D = HumanOpsDialect;
  std::vector<RouteSpec> routes = {
      route("POST", "/agents/register", open, &D::register_agent, "Register an agent"),
      route("POST", "/agents/keys", in, &D::create_key, "Generate an additional API key"),
      route("GET", "/agents/keys", in, &D::list_keys, "List active API keys (prefix only)"),
      route("DELETE", "/agents/keys/:id", in, &D::revoke_key, "Revoke an API key"),
      route("GET", "/agents/balance", in, &D::balance, "Deposit and escrow balances"),
      route("POST", "/agents/deposit/usdc", in, &D::deposit_usdc, "Confirm a USDC deposit"),
      route("POST", "/agents/deposit", in, &D::deposit_fiat, "Fiat deposit"),
      route("GET", "/agents/deposit/status", in, &D::deposit_status, "Fiat payment status"),
      route("POST", "/agents/deposit/status", in, &D::deposit_status, "Fiat payment status"),
      route("POST", "/tasks", in, &D::create_task, "Create a task and escrow funds"),
      route("GET", "/tasks", in, &D::list_tasks, "List your tasks"),
      route("GET", "/tasks/:id", in, &D::show_task, "Task details"),
      route("POST", "/tasks/:id/cancel", in, &D::cancel_task, "Cancel a task"),
      route("POST", "/tasks/:id/verify", in, &D::verify_task, "Approve or reject manually"),
      route("GET", "/tasks/:id/retrieve-credential", in, &D::retrieve_credential,
            "The encrypted credential of a completed Tier 2 task"),
      route("POST", "/tasks/:id/retrieve-credential", in, &D::retrieve_credential,
            "The encrypted credential of a completed Tier 2 task"),
      route("POST", "/operator/register", open, &D::register_operator, "Register an operator"),
      route("GET", "/operator/tasks", in, &D::browse, "Browse available tasks"),
      route("POST", "/operator/tasks/:id/accept", in, &D::accept, "Claim a pending task"),
      route("POST", "/operator/tasks/:id/submit", in, &D::submit, "Submit proof"),
      route("POST", "/operator/upload", in, &D::upload, "Upload a proof file", "upload"),
      route("GET", "/operator/earnings", in, &D::earnings, "Earnings summary"),
      route("POST", "/operator/payout", in, &D::payout, "Withdraw available earnings"),
      route("GET", "/operator/payout/status/:id", in, &D::payout_status, "Payout status"),
      route("GET", "/uploads/:name", open, &D::serve_upload, "An uploaded file"),
      route("POST", "/webhooks/dlocal", open, &D::dlocal_webhook, "dLocal payment confirmation"),
  };
  if (!base.empty()) {
    // Served alone at the root: the MCP server's streamable HTTP endpoint is /mcp.
    auto mcp = std::make_shared<McpServer>(service_, *context_.engine, false);
    routes.push_back({.method = "POST",
                      .pattern = "/mcp",
                      .route_class = "api",
                      .access = Access::open,
                      .handler =
                          [this, mcp](RequestContext& c) {
                            return mcp_http_exchange(*mcp, *service_, c.request);
                          },
                      .summary = "MCP streamable HTTP: one JSON-RPC message"});
  }
  return routes;
}

}  // namespace

std::shared_ptr<Dialect> make_humanops_dialect(ServerContext& context) {
  Result<MarketBinding> market =
      mc::humanops::open_market(*context.engine, context.config.test_mode);
  if (!market.ok()) {
    std::fprintf(stderr, "humanops: cannot open its market: %s\n",
                 market.status().to_string().c_str());
    std::abort();
  }
  auto service = std::make_shared<Service>(
      *context.engine, market->market(), *context.api_keys,
      mc::humanops::ServiceOptions{.test_mode = context.config.test_mode});
  context.webhook_renderers[market->market_id()] =
      [service](const DueWebhookDelivery& due) -> Result<std::optional<RenderedWebhook>> {
    MC_TRY_ASSIGN(std::optional<Service::Callback> callback, service->render_callback(due));
    if (!callback) return std::optional<RenderedWebhook>();
    return std::optional<RenderedWebhook>(RenderedWebhook{.body = std::move(callback->body),
                                                          .headers = std::move(callback->headers)});
  };
  auto verification = std::make_unique<VerificationComponent>(
      service, make_http_verifier_from_environment(context.config.test_mode));
  std::function<void()> wake = verification->waker();
  context.dialect_components.push_back(std::move(verification));
  return std::make_shared<HumanOpsDialect>(
      context, std::move(service),
      OperatorAuth::from_environment(context.config.test_mode, context.clock),
      make_local_upload_store(local_files_directory(context.config, "uploads")), std::move(wake));
}

}  // namespace mc::server::humanops
