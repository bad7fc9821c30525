// AgentMarket direct execution (POST /api/execute): hire an agent and get its result now.
//
//   1. checks (no money moves): budget, description, the hired agent exists, is not the
//      hirer, and can run (endpoint_url, or system_prompt with an LLM configured), balance;
//   2. create the task with the hired agent as worker (the budget leaves the hirer into
//      escrow) and fire start_execution (open → executing) in the same write transaction
//      (CreateJob::then_fire): nobody ever sees the task open, and if the start fails nothing
//      was created, so the hirer's budget never leaves its balance;
//   3. call the agent — its endpoint_url (POST JSON, time limit) or the LLM — with no store
//      transaction open;
//   4. success: deliver_execution pays the escrow like a completed task (90 % / 10 %);
//      failure or timeout: fail_execution refunds it. If the lifecycle's 10-minute timer
//      already refunded the task, the late answer is discarded and the call reports failure.
//
// The endpoint receives {"task_id","task_description","budget","agent_id","requester_id"} and
// answers 2xx with {"result": "..."} (a non-string result is kept as its JSON text) or with a
// non-empty plain-text body. Anything else is a failure.
#include <simdjson.h>

#include <string>

#include "json/json_writer.h"
#include "marketcore/agentmarket.h"
#include "profile.h"

namespace mc::agentmarket {
namespace {

constexpr size_t kResultBytesMax = 100'000;

Result<std::string> result_of_reply(const AgentEndpointReply& reply) {
  if (reply.http_status < 200 || reply.http_status > 299) {
    return Status(Code::unavailable, "agent_failed",
                  "Agent endpoint answered HTTP " + std::to_string(reply.http_status));
  }
  std::string result;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(reply.body)).get(root) == simdjson::SUCCESS &&
      root.is_object()) {
    simdjson::dom::element value;
    if (root["result"].get(value) != simdjson::SUCCESS || value.is_null()) {
      return Status(Code::unavailable, "agent_failed", "Agent endpoint returned no result");
    }
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      result = text;
    } else {
      result = simdjson::minify(value);
    }
  } else {
    result = reply.body;
  }
  if (result.empty()) {
    return Status(Code::unavailable, "agent_failed", "Agent endpoint returned an empty result");
  }
  if (result.size() > kResultBytesMax || internal::text_chars(result) < 0) {
    return Status(Code::unavailable, "agent_failed",
                  "Agent endpoint returned a result that is too long or not UTF-8");
  }
  return result;
}

Status check_request(const ExecuteRequest& request) {
  if (request.agent_id.empty()) {
    return invalid_argument("missing_param", "agent_id is required", "agent_id");
  }
  const int64_t chars = internal::text_chars(request.task_description);
  if (chars < 1 || chars > 10'000) {
    return invalid_argument("invalid_value",
                            "task_description must be between 1 and 10000 characters",
                            "task_description");
  }
  if (request.budget < 1) {
    return invalid_argument("invalid_value", "budget must be a positive integer", "budget");
  }
  return ok_status();
}

}  // namespace

Result<std::string> Service::run_agent(const Party& agent, const TaskView& task,
                                       int64_t timeout_ms) {
  if (!agent.endpoint_url.empty()) {
    json::JsonWriter body;
    body.begin_object();
    body.key("task_id").value(task.id);
    body.key("task_description").value(task.job.description);
    body.key("budget").value(task.job.amount_minor);
    body.key("agent_id").value(agent_uuid(agent.id));
    body.key("requester_id").value(task.poster_id);
    body.end_object();
    MC_TRY_ASSIGN(AgentEndpointReply reply, endpoints_->call({.url = agent.endpoint_url,
                                                              .body_json = std::move(body).take(),
                                                              .timeout_ms = timeout_ms}));
    return result_of_reply(reply);
  }
  const internal::ProfileFields fields = internal::read_profile(agent);
  MC_TRY_ASSIGN(std::string text, llm_->complete({.system_prompt = fields.system_prompt,
                                                  .user_message = task.job.description,
                                                  .timeout_ms = timeout_ms}));
  if (text.empty()) return Status(Code::unavailable, "agent_failed", "The LLM returned nothing");
  return text;
}

Result<Execution> Service::execute(PartyId hirer, const ExecuteRequest& request) {
  MC_TRY(check_request(request));
  MC_TRY_ASSIGN(AgentProfile hired, agent(request.agent_id));
  if (hired.party.id == hirer) {
    return invalid_argument("invalid_value", "You cannot hire yourself", "agent_id");
  }
  if (!hired.party.endpoint_url.empty()) {
    if (!endpoints_) {
      return failed_precondition("agent_not_executable", "This server cannot call agent endpoints");
    }
  } else if (hired.has_system_prompt) {
    if (!llm_) {
      return failed_precondition("llm_not_configured",
                                 "Agent has only a system_prompt and no LLM endpoint is "
                                 "configured on this server");
    }
  } else {
    return failed_precondition("agent_not_executable",
                               "Agent has neither an endpoint_url nor a system_prompt");
  }
  MC_TRY_ASSIGN(int64_t available, balance(hirer));
  if (available < request.budget) {
    return failed_precondition("insufficient_funds", "Insufficient credits: the budget is " +
                                                         std::to_string(request.budget) +
                                                         ", your balance is " +
                                                         std::to_string(available));
  }
  const int64_t title_chars = 80;
  std::string title = "Direct execution: " + request.task_description;
  while (internal::text_chars(title) > title_chars || internal::text_chars(title) < 0) {
    title.pop_back();
  }
  MC_TRY_ASSIGN(JobOutcome started, engine_.create_job({.market_id = market_.id,
                                                        .poster_id = hirer,
                                                        .amount_minor = request.budget,
                                                        .worker_id = hired.party.id,
                                                        .title = title,
                                                        .description = request.task_description,
                                                        .payload_json = R"({"direct":true})",
                                                        .then_fire = "start_execution"}));
  MC_TRY_ASSIGN(TaskView task, view(std::move(started.job)));
  const int64_t timeout_ms = options_.execute_timeout_ms.value_or(
      internal::setting_int(market_, "execute_timeout_ms", 30'000));
  Result<std::string> ran = run_agent(hired.party, task, timeout_ms);
  Execution execution;
  if (ran.ok()) {
    FireTransition deliver{
        .job_id = task.job.id, .transition = "deliver_execution", .as_platform = true};
    deliver.result_text = *ran;
    Result<JobOutcome> delivered = engine_.fire(deliver);
    if (delivered.ok()) {
      MC_TRY_ASSIGN(execution.task, view(delivered->job));
      execution.succeeded = true;
      execution.result = std::move(ran).value();
      return execution;
    }
    if (delivered.status().detail() != "wrong_state") return delivered.status();
    execution.failure = Status(Code::deadline_exceeded, "agent_timeout",
                               "The execution ran out of time and was refunded");
  } else {
    execution.failure = ran.status();
    Result<JobOutcome> failed =
        engine_.fire({.job_id = task.job.id, .transition = "fail_execution", .as_platform = true});
    if (!failed.ok() && failed.status().detail() != "wrong_state") return failed.status();
  }
  MC_TRY_ASSIGN(Job latest, engine_.job(task.job.id));
  MC_TRY_ASSIGN(execution.task, view(std::move(latest)));
  return execution;
}

}  // namespace mc::agentmarket
