// The HumanOps lifecycle (seed 004).
//
//   create           poster    → PENDING   guard humanops_task (humanops::check_task);
//                                          fund_escrow (reward + fee)           task.created
//   accept           candidate PENDING → ACCEPTED        before_deadline, actor_kyc_verified;
//                                                        Record::worker              task.accepted
//   start            worker    ACCEPTED → IN_PROGRESS    before_deadline task.in_progress submit
//   worker    ACCEPTED|IN_PROGRESS → SUBMITTED  before_deadline; Record::proof
//                                                                                    task.submitted
//   group "verify" (the automated verifier, fired by the host as system or platform):
//     verify_complete      SUBMITTED → COMPLETED   confidence ≥ 90; pay_worker; Record::verdict
//                                                  task.verified
//     verify_manual_review SUBMITTED → SUBMITTED   50 ≤ confidence < 90; Record::verdict
//                                                  task.manual_review
//     verify_dispute       SUBMITTED → DISPUTED    confidence < 50; Record::verdict  task.disputed
//     manual_review        SUBMITTED → SUBMITTED   (no verifier, or it failed); Record::verdict
//                                                  task.manual_review
//   approve          poster    SUBMITTED → COMPLETED     pay_worker; Record::verdict task.completed
//   reject           poster    SUBMITTED → DISPUTED      Record::verdict             task.disputed
//   cancel           poster    PENDING|ACCEPTED → CANCELLED  refund_poster           task.cancelled
//   expire           system    PENDING|ACCEPTED|IN_PROGRESS → EXPIRED  refund_poster task.expired
//   auto_complete    system    SUBMITTED → COMPLETED     pay_worker                  task.completed
//   resolve_for_worker  system|platform  DISPUTED → COMPLETED  pay_worker   task.dispute_resolved
//   resolve_for_poster  system|platform  DISPUTED → CANCELLED  refund_poster task.dispute_resolved
//   dispute_timeout  system    DISPUTED → CANCELLED      refund_poster      task.dispute_resolved
//
// Timers: PENDING, ACCEPTED and IN_PROGRESS fire "expire" at the task's deadline, with a
// fallback 365 days after entering the state; SUBMITTED fires "auto_complete" 7 days after the
// proof; DISPUTED fires "dispute_timeout" 14 days after the dispute opened.
// VERIFIED is not a state: the seed calls it transient, and the verifier's approval pays and
// completes in the same transaction. MANUAL_REVIEW is not a state either (dialects.md).
// The worker's pay goes through the market's settlement hold (7 days), not the lifecycle.
#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

// The house: the engine (verifier routing, judges' verdicts) or the market operator.
std::vector<Role> house() {
  return {Role::system, Role::platform};
}

std::vector<TransitionDef> worker_steps() {
  return {
      {.name = "accept",
       .from = {"PENDING"},
       .to = "ACCEPTED",
       .roles = {Role::candidate},
       .guards = {{.kind = GuardKind::before_deadline}, {.kind = GuardKind::actor_kyc_verified}},
       .records = {Record::worker},
       .events = {"task.accepted"}},
      {.name = "start",
       .from = {"ACCEPTED"},
       .to = "IN_PROGRESS",
       .roles = {Role::worker},
       .guards = {{.kind = GuardKind::before_deadline}},
       .events = {"task.in_progress"}},
      {.name = "submit",
       .from = {"ACCEPTED", "IN_PROGRESS"},
       .to = "SUBMITTED",
       .roles = {Role::worker},
       .guards = {{.kind = GuardKind::before_deadline}},
       .records = {Record::proof},
       .events = {"task.submitted"}},
  };
}

std::vector<TransitionDef> verification_steps() {
  const Effect pay{.kind = EffectKind::pay_worker};
  return {
      {.name = "verify_complete",
       .from = {"SUBMITTED"},
       .to = "COMPLETED",
       .roles = house(),
       .guards = {{.kind = GuardKind::confidence_at_least, .value = 90}},
       .effects = {pay},
       .records = {Record::verdict},
       .events = {"task.verified"},
       .group = "verify"},
      {.name = "verify_manual_review",
       .from = {"SUBMITTED"},
       .to = "SUBMITTED",
       .roles = house(),
       .guards = {{.kind = GuardKind::confidence_at_least, .value = 50},
                  {.kind = GuardKind::confidence_below, .value = 90}},
       .records = {Record::verdict},
       .events = {"task.manual_review"},
       .group = "verify"},
      {.name = "verify_dispute",
       .from = {"SUBMITTED"},
       .to = "DISPUTED",
       .roles = house(),
       .guards = {{.kind = GuardKind::confidence_below, .value = 50}},
       .records = {Record::verdict},
       .events = {"task.disputed"},
       .group = "verify"},
      // The verifier failed, timed out or is not configured: a person decides.
      {.name = "manual_review",
       .from = {"SUBMITTED"},
       .to = "SUBMITTED",
       .roles = house(),
       .records = {Record::verdict},
       .events = {"task.manual_review"}},
      {.name = "approve",
       .from = {"SUBMITTED"},
       .to = "COMPLETED",
       .roles = {Role::poster},
       .effects = {pay},
       .records = {Record::verdict},
       .events = {"task.completed"}},
      {.name = "reject",
       .from = {"SUBMITTED"},
       .to = "DISPUTED",
       .roles = {Role::poster},
       .records = {Record::verdict},
       .events = {"task.disputed"}},
      {.name = "auto_complete",
       .from = {"SUBMITTED"},
       .to = "COMPLETED",
       .roles = {Role::system},
       .effects = {pay},
       .events = {"task.completed"}},
  };
}

std::vector<TransitionDef> exits() {
  const Effect refund{.kind = EffectKind::refund_poster};
  return {
      {.name = "cancel",
       .from = {"PENDING", "ACCEPTED"},
       .to = "CANCELLED",
       .roles = {Role::poster},
       .effects = {refund},
       .events = {"task.cancelled"}},
      {.name = "expire",
       .from = {"PENDING", "ACCEPTED", "IN_PROGRESS"},
       .to = "EXPIRED",
       .roles = {Role::system},
       .effects = {refund},
       .events = {"task.expired"}},
      {.name = "resolve_for_worker",
       .from = {"DISPUTED"},
       .to = "COMPLETED",
       .roles = house(),
       .effects = {{.kind = EffectKind::pay_worker}},
       .records = {Record::verdict},
       .events = {"task.dispute_resolved"}},
      {.name = "resolve_for_poster",
       .from = {"DISPUTED"},
       .to = "CANCELLED",
       .roles = house(),
       .effects = {refund},
       .records = {Record::verdict},
       .events = {"task.dispute_resolved"}},
      {.name = "dispute_timeout",
       .from = {"DISPUTED"},
       .to = "CANCELLED",
       .roles = {Role::system},
       .effects = {refund},
       .events = {"task.dispute_resolved"}},
  };
}

LifecycleDefinition make_humanops() {
  LifecycleDefinition def;
  def.name = "humanops";
  def.states = {{"PENDING"},  {"ACCEPTED"},        {"IN_PROGRESS"},     {"SUBMITTED"},
                {"DISPUTED"}, {"COMPLETED", true}, {"CANCELLED", true}, {"EXPIRED", true}};
  def.creation = {.name = "create",
                  .to = "PENDING",
                  .roles = {Role::poster},
                  .guards = {{.kind = GuardKind::custom, .name = "humanops_task"}},
                  .effects = {{.kind = EffectKind::fund_escrow}},
                  .events = {"task.created"}};
  for (auto* part : {&worker_steps, &verification_steps, &exits}) {
    for (TransitionDef& transition : (*part)()) def.transitions.push_back(std::move(transition));
  }
  const int64_t fallback_ms = 365 * kMillisecondsPerDay;
  for (const char* state : {"PENDING", "ACCEPTED", "IN_PROGRESS"}) {
    def.timers.push_back({.state = state, .transition = "expire", .base = TimerBase::deadline});
    def.timers.push_back({.state = state, .transition = "expire", .after_ms = fallback_ms});
  }
  def.timers.push_back({.state = "SUBMITTED",
                        .transition = "auto_complete",
                        .base = TimerBase::submitted,
                        .after_ms = 7 * kMillisecondsPerDay});
  // The payload carries the task's callback secret: only the house reads it whole. The proof
  // may carry a Tier 2 credential, which its agent receives only once the task is COMPLETED
  // (retrieve-credential): the operator who made it and the house read it whole. The HumanOps
  // library renders each field to those the seed shows it to (photos and notes to the agent).
  def.visibility = {{.field = JobField::payload, .full_view = {Role::platform}},
                    {.field = JobField::proof, .full_view = {Role::worker, Role::platform}}};
  def.timers.push_back(
      {.state = "DISPUTED", .transition = "dispute_timeout", .after_ms = 14 * kMillisecondsPerDay});
  return def;
}

}  // namespace

const LifecycleDefinition& humanops_lifecycle() {
  static const LifecycleDefinition definition = make_humanops();
  return definition;
}

}  // namespace mc
