// HumanOps tasks on the agent side: create (reward + tier fee escrowed by the engine; the
// creation guard check_task holds the task-type rules), list, detail, cancel, manual verify and
// credential retrieval. An agent reaches only its own tasks: another agent's task answers
// not_found exactly like a missing one.
#include "internal.h"
#include "json/json_writer.h"
#include "marketcore/humanops.h"

namespace mc::humanops {
namespace {

constexpr const char* kCallbackEvents[] = {"task.verified", "task.disputed", "task.manual_review"};

Status refuse_not_found() {
  return not_found("task_not_found", "Task not found");
}

std::string build_payload(const NewTask& task, const TaskType& type) {
  json::JsonWriter out;
  out.begin_object();
  out.key("location");
  if (task.location_json) {
    out.raw(*task.location_json);
  } else if (type.digital) {
    out.raw(R"({"address":"Remote/Digital"})");
  } else {
    out.null();
  }
  out.key("proof_requirements").begin_array();
  for (const std::string& requirement : task.proof_requirements) out.value(requirement);
  out.end_array();
  out.key("task_domain").value(task.task_domain.value_or(type.digital ? "DIGITAL" : "PHYSICAL"));
  out.key("proof_type").value(task.proof_type.value_or(std::string(type.default_proof)));
  if (task.digital_instructions) out.key("digital_instructions").value(*task.digital_instructions);
  if (task.callback_url) out.key("callback_url").value(*task.callback_url);
  if (task.callback_secret) out.key("callback_secret").value(*task.callback_secret);
  if (task.agent_public_key) out.key("agent_public_key").value(*task.agent_public_key);
  out.end_object();
  return std::move(out).take();
}

}  // namespace

Status Service::ensure_callback_endpoint(PartyId agent, const std::string& url) {
  WebhookRegistry webhooks = engine_.webhooks();
  MC_TRY_ASSIGN(std::vector<WebhookEndpoint> endpoints, webhooks.endpoints(market_.id, agent));
  for (const WebhookEndpoint& endpoint : endpoints) {
    if (endpoint.active && endpoint.url == url && endpoint.scheme == WebhookScheme::hex) {
      return ok_status();
    }
  }
  NewWebhookEndpoint request{.market_id = market_.id,
                             .party_id = agent,
                             .url = url,
                             .scheme = WebhookScheme::hex,
                             .signature_header = "X-HumanOps-Signature"};
  for (const char* type : kCallbackEvents) request.event_types.emplace_back(type);
  Result<CreatedWebhookEndpoint> created = webhooks.create_endpoint(request);
  if (!created.ok()) {
    const Status status = created.status();
    if (status.code() == Code::invalid_argument) {
      return Status(Code::invalid_argument, status.detail(), "callback_url: " + status.message(),
                    "callback_url");
    }
    return status;
  }
  return ok_status();
}

Result<JobOutcome> Service::create_task(PartyId agent, const NewTask& task) {
  MC_TRY(internal::check_text(task.title, "title", 200, true));
  MC_TRY(internal::check_text(task.description, "description", 10'000, true));
  const TaskType* type = find_task_type(task.task_type);
  if (type == nullptr) {
    return invalid_argument("unknown_task_type", "task_type must be one of the 13 task types",
                            "task_type");
  }
  const JobLimits& limits = market_.config.limits;
  if (task.reward_minor < limits.amount_min_minor || task.reward_minor > limits.amount_max_minor) {
    return invalid_argument("reward_out_of_range",
                            "reward_usd must be between $" +
                                std::to_string(limits.amount_min_minor / 100) + " and $" +
                                std::to_string(limits.amount_max_minor / 100),
                            "reward_usd");
  }
  if (!task.deadline_ms)
    return invalid_argument("missing_param", "deadline is required", "deadline");
  if (*task.deadline_ms <= engine_.clock().now_ms()) {
    return invalid_argument("deadline_in_past", "deadline must be in the future", "deadline");
  }
  if (task.proof_requirements.empty()) {
    return invalid_argument("missing_param", "proof_requirements is required",
                            "proof_requirements");
  }
  if (task.proof_requirements.size() > 20) {
    return invalid_argument("invalid_value", "proof_requirements has at most 20 items",
                            "proof_requirements");
  }
  for (const std::string& requirement : task.proof_requirements) {
    MC_TRY(internal::check_text(requirement, "proof_requirements", 500, true));
  }
  if (task.callback_secret)
    MC_TRY(internal::check_text(*task.callback_secret, "callback_secret", 256, true));
  if (task.agent_public_key)
    MC_TRY(internal::check_text(*task.agent_public_key, "agent_public_key", 1024, true));
  if (task.callback_url) {
    MC_TRY(internal::check_text(*task.callback_url, "callback_url", 2048, true));
    MC_TRY(ensure_callback_endpoint(agent, *task.callback_url));
  }
  CreateJob request{.market_id = market_.id,
                    .poster_id = agent,
                    .amount_minor = task.reward_minor,
                    .title = task.title,
                    .description = task.description,
                    .category = task.task_type,
                    .deadline_at_ms = task.deadline_ms,
                    .payload_json = build_payload(task, *type)};
  if (!task.idempotency_key.empty()) {
    request.idempotency =
        IdempotencyKey{.scope = "party:" + std::to_string(agent), .key = task.idempotency_key};
  }
  Result<JobOutcome> created = engine_.create_job(request);
  if (!created.ok()) {
    const Status status = created.status();
    if (status.detail() == "insufficient_funds") {
      return failed_precondition("insufficient_funds", "Insufficient balance for escrow");
    }
    if (status.detail() == "idempotency_key_reused") {
      return invalid_argument("idempotency_key_reused",
                              "Idempotency-Key was already used with a different request");
    }
  }
  return created;
}

Result<Job> Service::own_task(PartyId agent, std::string_view id) {
  const std::optional<JobId> job_id = parse_task_id(id);
  if (!job_id) return refuse_not_found();
  MC_TRY_ASSIGN(Job job, binding_.job(*job_id));
  if (job.poster_id != agent) return refuse_not_found();
  return job;
}

Result<TaskPage> Service::tasks(PartyId agent, const TaskFilter& filter) {
  MC_TRY_ASSIGN(int32_t limit, binding_.list_limit(filter.limit));
  if (filter.offset < 0) return invalid_argument("invalid_value", "offset must be ≥ 0", "offset");
  TaskPage page{.limit = limit, .offset = filter.offset};
  JobQuery query{.market_id = market_.id,
                 .state = filter.status,
                 .poster_id = agent,
                 .category = filter.task_type};
  // The total: count in pages (newest first).
  constexpr int32_t kPage = 500;
  for (int32_t offset = 0;; offset += kPage) {
    query.limit = kPage;
    query.offset = offset;
    MC_TRY_ASSIGN(std::vector<Job> jobs, engine_.jobs(query));
    for (Job& job : jobs) {
      if (page.total >= filter.offset && static_cast<int64_t>(page.tasks.size()) < limit) {
        page.tasks.push_back(std::move(job));
      }
      ++page.total;
    }
    if (jobs.size() < static_cast<size_t>(kPage)) break;
  }
  return page;
}

Result<Job> Service::task(PartyId agent, std::string_view id) {
  return own_task(agent, id);
}

Result<Job> Service::cancel(PartyId agent, std::string_view id) {
  MC_TRY_ASSIGN(Job job, own_task(agent, id));
  Result<JobOutcome> fired =
      engine_.fire({.job_id = job.id, .transition = "cancel", .actor_id = agent});
  if (!fired.ok()) {
    if (fired.status().detail() == "wrong_state" ||
        fired.status().detail() == "job_state_changed") {
      return failed_precondition("wrong_state", "Task cannot be cancelled in status " + job.state);
    }
    return fired.status();
  }
  return fired->job;
}

Result<Job> Service::verify(PartyId agent, std::string_view id, std::string_view decision) {
  if (decision != "APPROVE" && decision != "REJECT") {
    return invalid_argument("invalid_value", "decision must be \"APPROVE\" or \"REJECT\"",
                            "decision");
  }
  MC_TRY_ASSIGN(Job job, own_task(agent, id));
  const bool approve = decision == "APPROVE";
  FireTransition request{
      .job_id = job.id, .transition = approve ? "approve" : "reject", .actor_id = agent};
  json::JsonWriter verdict;
  verdict.begin_object();
  verdict.key("decision").value(decision);
  verdict.key("manual").value(true);
  if (!job.verdict_json.empty()) verdict.key("guardian").raw(job.verdict_json);
  verdict.end_object();
  request.verdict_json = std::move(verdict).take();
  Result<JobOutcome> fired = engine_.fire(request);
  if (!fired.ok()) {
    if (fired.status().detail() == "wrong_state" ||
        fired.status().detail() == "job_state_changed") {
      return failed_precondition(
          "wrong_state",
          "Task must be SUBMITTED or VERIFIED to verify (status: " + job.state + ")");
    }
    return fired.status();
  }
  return fired->job;
}

Result<std::string> Service::retrieve_credential(PartyId agent, std::string_view id) {
  MC_TRY_ASSIGN(Job job, own_task(agent, id));
  const TaskType* type = find_task_type(job.category);
  if (type == nullptr || !type->credential) {
    return failed_precondition("credential_not_available", "Task is not a credential task");
  }
  if (job.state != "COMPLETED") {
    return failed_precondition(
        "credential_not_available",
        "Credential is available once the task is COMPLETED (status: " + job.state + ")");
  }
  // The proof is {"encrypted_credential": {...}, ...}: return that object's text as stored.
  const std::string key = "\"encrypted_credential\":";
  const size_t at = job.proof_json.find(key);
  if (at == std::string::npos) {
    return failed_precondition("credential_not_available", "No credential was delivered");
  }
  size_t start = at + key.size();
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < job.proof_json.size(); ++i) {
    const char c = job.proof_json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{') ++depth;
    if (c == '}' && --depth == 0) return job.proof_json.substr(start, i + 1 - start);
  }
  return failed_precondition("credential_not_available", "No credential was delivered");
}

}  // namespace mc::humanops
