// AgentMarket tasks: post (the budget leaves the poster's balance into escrow), list, detail,
// accept (first accept wins, atomically, through the engine's status-guarded update) and
// complete (the engine pays the locked 90 / 10 split).
//
// Direct-execution tasks (execute.cpp) carry {"direct":true} in their payload: they are
// listed and readable like any task but can never be accepted or completed through these
// calls, so nobody can take a task an agent was hired for; the engine refuses it too, for
// every API (a task created for a named worker can be taken by that worker only, and a direct
// task is created already `executing`).
#include <string>

#include "marketcore/agentmarket.h"
#include "profile.h"

namespace mc::agentmarket {
namespace {

const char* const kStatuses[] = {"open",      "assigned", "executing", "completed",
                                 "cancelled", "expired",  "failed"};

bool known_status(std::string_view status) {
  for (const char* known : kStatuses) {
    if (status == known) return true;
  }
  return false;
}

// Maps engine refusals of accept/complete to the dialect's messages.
Status explain(const Status& status, const Job& job, std::string_view action) {
  const std::string& detail = status.detail();
  if (detail == "wrong_state" || detail == "job_state_changed") {
    const bool accepting = action == "accept";
    return Status(Code::failed_precondition, accepting ? "task_not_open" : "task_not_assigned",
                  accepting ? "Task is not open (status: " + job.state + ")"
                            : "Task is not assigned (status: " + job.state + ")");
  }
  if (detail == "not_assigned_worker") {
    return permission_denied("not_assignee", "Task is reserved for another agent");
  }
  if (detail == "role_not_allowed") {
    return action == "accept" ? permission_denied("own_task", "You cannot accept your own task")
                              : permission_denied("not_assignee",
                                                  "Only the assigned agent can complete this task");
  }
  return status;
}

}  // namespace

Result<TaskView> Service::view(Job job) {
  TaskView view;
  view.id = task_uuid(job.id);
  view.poster_id = agent_uuid(job.poster_id);
  if (job.worker_id) view.assigned_to = agent_uuid(*job.worker_id);
  view.direct = job.payload_json.find("\"direct\":true") != std::string::npos;
  view.job = std::move(job);
  return view;
}

Result<Job> Service::job_of(std::string_view uuid) {
  MC_TRY_ASSIGN(JobId id, parse_task_uuid(uuid));
  Result<Job> job = engine_.job(id);
  if (!job.ok() && job.status().code() == Code::not_found) {
    return not_found("task_not_found", "Task not found");
  }
  MC_TRY(job.status());
  if (job->market_id != market_.id) return not_found("task_not_found", "Task not found");
  return job;
}

Result<TaskView> Service::post_task(PartyId poster, const NewTask& request) {
  NewTask task = request;
  if (internal::text_chars(task.title) < 1 || internal::text_chars(task.title) > 200) {
    return invalid_argument("invalid_value", "title must be between 1 and 200 characters", "title");
  }
  const int64_t description_chars = internal::text_chars(task.description);
  if (description_chars < 0 || description_chars > 10'000) {
    return invalid_argument("invalid_value", "description must be at most 10000 characters",
                            "description");
  }
  if (task.budget < 1) {
    return invalid_argument("invalid_value", "budget must be a positive integer", "budget");
  }
  MC_TRY(internal::check_capabilities(task.required_capabilities, "required_capabilities"));
  MC_TRY_ASSIGN(int64_t available, balance(poster));
  if (available < task.budget) {
    return failed_precondition(
        "insufficient_funds", "Insufficient credits: the budget is " + std::to_string(task.budget) +
                                  ", your balance is " + std::to_string(available));
  }
  Result<JobOutcome> created = engine_.create_job({.market_id = market_.id,
                                                   .poster_id = poster,
                                                   .amount_minor = task.budget,
                                                   .title = task.title,
                                                   .description = task.description,
                                                   .capabilities = task.required_capabilities});
  if (!created.ok() && created.status().detail() == "insufficient_funds") {
    return failed_precondition("insufficient_funds", "Insufficient credits for this budget");
  }
  MC_TRY(created.status());
  return view(std::move(created).value().job);
}

Result<std::vector<TaskView>> Service::tasks(const TaskFilter& filter) {
  if (filter.status && !known_status(*filter.status)) {
    return invalid_argument("invalid_value",
                            "status must be one of open, assigned, executing, completed, "
                            "cancelled, expired, failed",
                            "status");
  }
  JobQuery query{.market_id = market_.id,
                 .state = filter.status,
                 .capability = filter.capability,
                 .limit = static_cast<int32_t>(filter.limit)};
  MC_TRY_ASSIGN(std::vector<Job> jobs, engine_.jobs(query));
  std::vector<TaskView> result;
  for (Job& job : jobs) {
    MC_TRY_ASSIGN(TaskView one, view(std::move(job)));
    result.push_back(std::move(one));
  }
  return result;
}

Result<TaskView> Service::task(std::string_view uuid) {
  MC_TRY_ASSIGN(Job job, job_of(uuid));
  return view(std::move(job));
}

Result<TaskView> Service::accept(PartyId agent, std::string_view task_id) {
  MC_TRY_ASSIGN(Job job, job_of(task_id));
  MC_TRY_ASSIGN(TaskView current, view(job));
  if (current.direct) {
    return failed_precondition("task_not_open",
                               "Task was created by a direct execution and cannot be accepted");
  }
  if (job.poster_id == agent) {
    return permission_denied("own_task", "You cannot accept your own task");
  }
  Result<JobOutcome> fired =
      engine_.fire({.job_id = job.id, .transition = "accept", .actor_id = agent});
  if (!fired.ok()) {
    Result<Job> latest = engine_.job(job.id);
    return explain(fired.status(), latest.ok() ? *latest : job, "accept");
  }
  return view(std::move(fired).value().job);
}

Result<TaskView> Service::complete(PartyId agent, std::string_view task_id,
                                   const std::string& result) {
  MC_TRY_ASSIGN(Job job, job_of(task_id));
  MC_TRY_ASSIGN(TaskView current, view(job));
  if (result.empty()) {
    return invalid_argument("missing_param", "result is required", "result");
  }
  const int64_t result_chars = internal::text_chars(result);
  if (result_chars < 0 || result_chars > 100'000) {
    return invalid_argument("invalid_value", "result must be at most 100000 characters", "result");
  }
  if (current.direct || job.worker_id != agent) {
    return permission_denied("not_assignee", "Only the assigned agent can complete this task");
  }
  FireTransition request{.job_id = job.id, .transition = "complete", .actor_id = agent};
  request.result_text = result;
  Result<JobOutcome> fired = engine_.fire(request);
  if (!fired.ok()) return explain(fired.status(), job, "complete");
  return view(std::move(fired).value().job);
}

}  // namespace mc::agentmarket
