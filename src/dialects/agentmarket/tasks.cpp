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
#include "marketcore/errors.h"
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

// How the seed words the engine's refusals of accept and complete (by the engine's detail).
struct Refusal {
  Code code;
  std::string_view detail;
  std::string_view message;
  bool names_state;  // the message ends with " (status: <state>)"
};

constexpr DetailRow<Refusal> kAcceptRefusals[] = {
    {"wrong_state", {Code::failed_precondition, "task_not_open", "Task is not open", true}},
    {"job_state_changed", {Code::failed_precondition, "task_not_open", "Task is not open", true}},
    {"role_not_allowed",
     {Code::permission_denied, "own_task", "You cannot accept your own task", false}},
    {"not_assigned_worker",
     {Code::permission_denied, "not_assignee", "Task is reserved for another agent", false}},
};

constexpr DetailRow<Refusal> kCompleteRefusals[] = {
    {"wrong_state", {Code::failed_precondition, "task_not_assigned", "Task is not assigned", true}},
    {"job_state_changed",
     {Code::failed_precondition, "task_not_assigned", "Task is not assigned", true}},
    {"role_not_allowed",
     {Code::permission_denied, "not_assignee", "Only the assigned agent can complete this task",
      false}},
    {"not_assigned_worker",
     {Code::permission_denied, "not_assignee", "Only the assigned agent can complete this task",
      false}},
};

template <size_t N>
Status explain(const Status& status, const Job& job, const DetailRow<Refusal> (&table)[N]) {
  const std::optional<Refusal> refusal = lookup_detail(table, status.detail());
  if (!refusal) return status;
  std::string message(refusal->message);
  if (refusal->names_state) message += " (status: " + job.state + ")";
  return Status(refusal->code, std::string(refusal->detail), std::move(message));
}

}  // namespace

Result<TaskView> Service::view(JobOutcome outcome) {
  MC_TRY_ASSIGN(TaskView result, view(std::move(outcome.job)));
  for (const auto& [party, balances] : outcome.balances) {
    result.balances[party] = balances.available_minor + balances.promo_minor;
  }
  return result;
}

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
  return binding_.job(id);
}

Result<CreateJob> Service::task_creation(PartyId poster, const NewTask& task) const {
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
  std::vector<std::string> capabilities = task.required_capabilities;
  MC_TRY(internal::check_capabilities(capabilities, "required_capabilities"));  // normalizes
  return CreateJob{.market_id = market_.id,
                   .poster_id = poster,
                   .amount_minor = task.budget,
                   .title = task.title,
                   .description = task.description,
                   .capabilities = std::move(capabilities)};
}

Result<TaskView> Service::task_posted(PartyId poster, int64_t budget, Result<JobOutcome> created) {
  if (!created.ok() && created.status().detail() == "insufficient_funds") {
    // The engine refused inside its write; the balance is read only to word the answer.
    Result<int64_t> available = balance(poster);
    if (!available.ok()) {
      return failed_precondition("insufficient_funds", "Insufficient credits for this budget");
    }
    return failed_precondition("insufficient_funds",
                               "Insufficient credits: the budget is " + std::to_string(budget) +
                                   ", your balance is " + std::to_string(*available));
  }
  MC_TRY(created.status());
  return view(std::move(created).value());
}

Result<TaskView> Service::post_task(PartyId poster, const NewTask& task) {
  MC_TRY_ASSIGN(CreateJob request, task_creation(poster, task));
  return task_posted(poster, task.budget, engine_.create_job(request));
}

void Service::post_task_async(PartyId poster, const NewTask& task, TaskDone done) {
  Result<CreateJob> request = task_creation(poster, task);
  if (!request.ok()) return done(request.status());
  engine_.create_job_async(*request, [this, poster, budget = task.budget,
                                      done = std::move(done)](Result<JobOutcome> created) {
    done(task_posted(poster, budget, std::move(created)));
  });
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
                 .limit = binding_.clamp_limit(filter.limit)};
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

Result<Job> Service::acceptable(PartyId agent, std::string_view task_id) {
  MC_TRY_ASSIGN(Job job, job_of(task_id));
  MC_TRY_ASSIGN(TaskView current, view(job));
  if (current.direct) {
    return failed_precondition("task_not_open",
                               "Task was created by a direct execution and cannot be accepted");
  }
  if (job.poster_id == agent) {
    return permission_denied("own_task", "You cannot accept your own task");
  }
  return job;
}

Result<TaskView> Service::accepted(const Job& job, Result<JobOutcome> fired) {
  if (!fired.ok()) {
    Result<Job> latest = engine_.job(job.id);
    return explain(fired.status(), latest.ok() ? *latest : job, kAcceptRefusals);
  }
  return view(std::move(fired).value());
}

Result<TaskView> Service::accept(PartyId agent, std::string_view task_id) {
  MC_TRY_ASSIGN(Job job, acceptable(agent, task_id));
  return accepted(job, engine_.fire({.job_id = job.id, .transition = "accept", .actor_id = agent}));
}

void Service::accept_async(PartyId agent, std::string_view task_id, TaskDone done) {
  Result<Job> job = acceptable(agent, task_id);
  if (!job.ok()) return done(job.status());
  engine_.fire_async({.job_id = job->id, .transition = "accept", .actor_id = agent},
                     [this, job = std::move(job).value(), done = std::move(done)](
                         Result<JobOutcome> fired) { done(accepted(job, std::move(fired))); });
}

Result<Job> Service::completable(PartyId agent, std::string_view task_id,
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
  return job;
}

Result<TaskView> Service::completed(const Job& job, Result<JobOutcome> fired) {
  if (!fired.ok()) return explain(fired.status(), job, kCompleteRefusals);
  return view(std::move(fired).value());
}

namespace {

FireTransition completion_of(const Job& job, PartyId agent, const std::string& result) {
  FireTransition request{.job_id = job.id, .transition = "complete", .actor_id = agent};
  request.result_text = result;
  return request;
}

}  // namespace

Result<TaskView> Service::complete(PartyId agent, std::string_view task_id,
                                   const std::string& result) {
  MC_TRY_ASSIGN(Job job, completable(agent, task_id, result));
  return completed(job, engine_.fire(completion_of(job, agent, result)));
}

void Service::complete_async(PartyId agent, std::string_view task_id, const std::string& result,
                             TaskDone done) {
  Result<Job> job = completable(agent, task_id, result);
  if (!job.ok()) return done(job.status());
  engine_.fire_async(completion_of(*job, agent, result),
                     [this, job = std::move(job).value(), done = std::move(done)](
                         Result<JobOutcome> fired) { done(completed(job, std::move(fired))); });
}

}  // namespace mc::agentmarket
