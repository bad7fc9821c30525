// The AgentMarket lifecycle (seed 002): open → assigned → completed, plus the exits the seed
// leaves out.
//
//   create    poster     → open            fund_escrow (the budget leaves at POST /tasks)
//   accept    candidate  open → assigned   Record::worker                task.assigned
//             (a task created for a named worker: that worker only)
//   complete  worker     assigned → completed   pay_worker; Record::result  task.completed
//   cancel    poster     open → cancelled       refund_poster               task.cancelled
//   expire    system     open → expired         refund_poster               task.expired
//   timeout   system     assigned → expired     refund_poster               task.timeout
//
// Direct execution (POST /api/execute): the task is created with the hired agent as its
// worker and leaves `open` for `executing` in the same write transaction
// (CreateJob::then_fire), so nobody ever sees it open, while the agent's endpoint runs:
//   start_execution    poster    open → executing        (no money moves)   task.executing
//   deliver_execution  platform  executing → completed   pay_worker; Record::result
//                                                                           task.completed
//   fail_execution     platform  executing → failed      refund_poster      task.failed
//   execution_timeout  system    executing → failed      refund_poster      task.failed
// The platform role is the library's execute call acting as the market operator once the
// endpoint answered. The 10-minute timer bounds the escrow of a call whose host died.
//
// The seed has no expiry, cancel or work timeout; decisions (docs/lifecycles.md):
//   - an open task nobody accepts expires 30 days after posting and the budget is refunded;
//   - the poster may cancel while the task is open (nobody has started work);
//   - an assigned task not completed within 24 hours (or the job's work_timeout_ms, if the
//     host sets one and it is shorter) ends `expired` with a refund. It does not reopen: a
//     reopen would restart the open timer and let a worker hold the escrow indefinitely.
#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

LifecycleDefinition make_agentmarket() {
  LifecycleDefinition def;
  def.name = "agentmarket";
  def.states = {
      {"open"},          {"assigned"},    {"executing"}, {"completed", true}, {"cancelled", true},
      {"expired", true}, {"failed", true}};
  def.creation = {.name = "create",
                  .to = "open",
                  .roles = {Role::poster},
                  .effects = {{.kind = EffectKind::fund_escrow}},
                  .events = {"task.posted"}};
  def.transitions = {
      {.name = "accept",
       .from = {"open"},
       .to = "assigned",
       .roles = {Role::candidate},
       .records = {Record::worker},
       .events = {"task.assigned"}},
      {.name = "complete",
       .from = {"assigned"},
       .to = "completed",
       .roles = {Role::worker},
       .effects = {{.kind = EffectKind::pay_worker}},
       .records = {Record::result},
       .events = {"task.completed"}},
      {.name = "cancel",
       .from = {"open"},
       .to = "cancelled",
       .roles = {Role::poster},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"task.cancelled"}},
      {.name = "expire",
       .from = {"open"},
       .to = "expired",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"task.expired"}},
      {.name = "timeout",
       .from = {"assigned"},
       .to = "expired",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"task.timeout"}},
      {.name = "start_execution",
       .from = {"open"},
       .to = "executing",
       .roles = {Role::poster},
       .events = {"task.executing"}},
      {.name = "deliver_execution",
       .from = {"executing"},
       .to = "completed",
       .roles = {Role::platform},
       .effects = {{.kind = EffectKind::pay_worker}},
       .records = {Record::result},
       .events = {"task.completed"}},
      {.name = "fail_execution",
       .from = {"executing"},
       .to = "failed",
       .roles = {Role::platform},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"task.failed"}},
      {.name = "execution_timeout",
       .from = {"executing"},
       .to = "failed",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::refund_poster}},
       .events = {"task.failed"}},
  };
  def.timers = {
      {.state = "open", .transition = "expire", .after_ms = 30 * kMillisecondsPerDay},
      {.state = "assigned", .transition = "timeout", .after_ms = 24 * kMillisecondsPerHour},
      {.state = "assigned", .transition = "timeout", .base = TimerBase::work_timeout},
      {.state = "executing",
       .transition = "execution_timeout",
       .after_ms = 10 * kMillisecondsPerMinute},
  };
  return def;
}

}  // namespace

const LifecycleDefinition& agentmarket_lifecycle() {
  static const LifecycleDefinition definition = make_agentmarket();
  return definition;
}

}  // namespace mc
