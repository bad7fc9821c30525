// The AACP lifecycle (seed 003, with the ERC-8183 contract calls as transitions).
//
//   create          poster     → OPEN                 party_opted_into_role(evaluator): the
//                                                     evaluator named is the client or has
//                                                     opted in; nothing funded yet  job.created
//   fund            poster     OPEN → FUNDED          before_deadline; fund_escrow, lock client
//                                                     stake 5 %, lock evaluator stake 10 %
//                                                                                   job.funded
//   set_provider    poster     FUNDED → FUNDED        before_deadline; Record::worker_from_request
//                                                                                   job.provider_set
//   submit          worker     FUNDED → SUBMITTED     before_deadline; lock provider stake 10 %;
//                                                     Record::proof                 job.submitted
//   complete        evaluator  SUBMITTED → COMPLETED  pay_worker (2 % platform, 3 % evaluator,
//                                                     rest provider); Record::verdict job.completed
//   reject          evaluator  SUBMITTED → REJECTED   refund_poster; Record::verdict job.rejected
//   claim_refund    anyone     FUNDED → EXPIRED       after_deadline; refund_poster, release_stakes
//                                                                                   job.expired
//   expire          system     FUNDED → EXPIRED       refund_poster, release_stakes job.expired
//   expire_unfunded system     OPEN → EXPIRED         (nothing held)                job.expired
//   evaluator_timeout system   SUBMITTED → EXPIRED    refund_poster, evaluator stake slashed to
//                                                     the provider, release_stakes  job.expired
//   dispute_completion poster  COMPLETED → DISPUTED   group "dispute": the side the evaluation
//   dispute_rejection  worker  REJECTED → DISPUTED    went against; before_expiry (48 h window);
//                                                     deposit 5 % of budget, min 5 USDC
//                                                                                   job.disputed
//   close           system     COMPLETED → SETTLED_COMPLETED, REJECTED → SETTLED_REJECTED
//                                                     release_stakes                job.settled
//   resolve_for_worker / resolve_for_poster  system|platform  DISPUTED → ARBITRATED
//                                                     deposit back to the filer if the verdict
//                                                     favours them (else to the platform); the
//                                                     losing side's stake slashed to the winner;
//                                                     release_stakes               job.arbitrated
//   arbitration_timeout system DISPUTED → ARBITRATED  72 h after filing (commit 48 h + reveal
//                                                     24 h): deposit back to its payer,
//                                                     release_stakes
//
// Money moves at evaluation, as the seed says ("COMPLETED — Provider paid"); COMPLETED and
// REJECTED stay open for 48 h as dispute windows and a timer closes them into terminal
// SETTLED_* states (the dialect shows them as COMPLETED / REJECTED). A verdict cannot claw the
// escrow back: it moves stakes and the deposit. The provider's stake is locked by its own
// submit, since effects run before records and set_provider's pick is a record (a provider
// without the stake cannot submit). The evaluator's stake is locked by the client's fund, so
// the evaluator must have accepted the role (marketcore/role_opt_in.h): creation refuses an
// evaluator that has not opted in, and fund refuses again if it opted out meanwhile (the
// engine's consent rule for lock_stake). See docs/lifecycles.md.
#include <string_view>

#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

constexpr int64_t kDisputeWindowMs = 48 * kMillisecondsPerHour;
constexpr int64_t kDeadlineFallbackMs = 365 * kMillisecondsPerDay;

std::vector<Role> house() {
  return {Role::system, Role::platform};
}

Effect lock(Role role, int64_t bps) {
  return {.kind = EffectKind::lock_stake, .role = role, .bps = bps};
}

Effect slash(Role role, Role beneficiary) {
  return {.kind = EffectKind::slash_stake, .role = role, .beneficiary = beneficiary};
}

std::vector<TransitionDef> work_steps() {
  const Guard in_time{.kind = GuardKind::before_deadline};
  return {
      {.name = "fund",
       .from = {"OPEN"},
       .to = "FUNDED",
       .roles = {Role::poster},
       .guards = {in_time},
       .effects = {{.kind = EffectKind::fund_escrow},
                   lock(Role::poster, 500),
                   lock(Role::evaluator, 1000)},
       .events = {"job.funded"}},
      {.name = "set_provider",
       .from = {"FUNDED"},
       .to = "FUNDED",
       .roles = {Role::poster},
       .guards = {in_time},
       .records = {Record::worker_from_request},
       .events = {"job.provider_set"}},
      {.name = "submit",
       .from = {"FUNDED"},
       .to = "SUBMITTED",
       .roles = {Role::worker},
       .guards = {in_time},
       .effects = {lock(Role::worker, 1000)},
       .records = {Record::proof},
       .events = {"job.submitted"}},
      {.name = "complete",
       .from = {"SUBMITTED"},
       .to = "COMPLETED",
       .roles = {Role::evaluator},
       .effects = {{.kind = EffectKind::pay_worker}},
       .records = {Record::verdict},
       .events = {"job.completed"}},
      {.name = "reject",
       .from = {"SUBMITTED"},
       .to = "REJECTED",
       .roles = {Role::evaluator},
       .effects = {{.kind = EffectKind::refund_poster}},
       .records = {Record::verdict},
       .events = {"job.rejected"}},
  };
}

std::vector<TransitionDef> refunds() {
  const Effect refund{.kind = EffectKind::refund_poster};
  const Effect release{.kind = EffectKind::release_stakes};
  return {
      {.name = "claim_refund",
       .from = {"FUNDED"},
       .to = "EXPIRED",
       .roles = {Role::anyone},
       .guards = {{.kind = GuardKind::after_deadline}},
       .effects = {refund, release},
       .events = {"job.expired"}},
      {.name = "expire",
       .from = {"FUNDED"},
       .to = "EXPIRED",
       .roles = {Role::system},
       .effects = {refund, release},
       .events = {"job.expired"}},
      {.name = "expire_unfunded",
       .from = {"OPEN"},
       .to = "EXPIRED",
       .roles = {Role::system},
       .events = {"job.expired"}},
      {.name = "evaluator_timeout",
       .from = {"SUBMITTED"},
       .to = "EXPIRED",
       .roles = {Role::system},
       .effects = {refund, slash(Role::evaluator, Role::worker), release},
       .events = {"job.expired"}},
  };
}

std::vector<TransitionDef> disputes() {
  const Effect release{.kind = EffectKind::release_stakes};
  const Effect deposit{
      .kind = EffectKind::take_dispute_deposit, .bps = 500, .fixed_minor = 5'000'000};
  return {
      // The side the evaluation went against disputes it: the client a completion, the
      // provider a rejection (group "dispute", what Engine::open_dispute fires).
      {.name = "dispute_completion",
       .from = {"COMPLETED"},
       .to = "DISPUTED",
       .roles = {Role::poster},
       .guards = {{.kind = GuardKind::before_expiry}},
       .effects = {deposit},
       .events = {"job.disputed"},
       .group = "dispute"},
      {.name = "dispute_rejection",
       .from = {"REJECTED"},
       .to = "DISPUTED",
       .roles = {Role::worker},
       .guards = {{.kind = GuardKind::before_expiry}},
       .effects = {deposit},
       .events = {"job.disputed"},
       .group = "dispute"},
      {.name = "close",
       .from = {"COMPLETED"},
       .to = "SETTLED_COMPLETED",
       .roles = {Role::system},
       .effects = {release},
       .events = {"job.settled"}},
      {.name = "close_rejected",
       .from = {"REJECTED"},
       .to = "SETTLED_REJECTED",
       .roles = {Role::system},
       .effects = {release},
       .events = {"job.settled"}},
      {.name = "resolve_for_worker",
       .from = {"DISPUTED"},
       .to = "ARBITRATED",
       .roles = house(),
       .effects = {{.kind = EffectKind::award_dispute_deposit, .role = Role::worker},
                   slash(Role::poster, Role::worker),
                   release},
       .records = {Record::verdict},
       .events = {"job.arbitrated"}},
      {.name = "resolve_for_poster",
       .from = {"DISPUTED"},
       .to = "ARBITRATED",
       .roles = house(),
       .effects = {{.kind = EffectKind::award_dispute_deposit, .role = Role::poster},
                   slash(Role::worker, Role::poster),
                   release},
       .records = {Record::verdict},
       .events = {"job.arbitrated"}},
      {.name = "arbitration_timeout",
       .from = {"DISPUTED"},
       .to = "ARBITRATED",
       .roles = {Role::system},
       .effects = {{.kind = EffectKind::settle_dispute_deposit, .to_payer = true}, release},
       .events = {"job.arbitrated"}},
  };
}

LifecycleDefinition make_aacp() {
  LifecycleDefinition def;
  def.name = "aacp";
  def.states = {{"OPEN"},
                {"FUNDED"},
                {"SUBMITTED"},
                {"COMPLETED"},
                {"REJECTED"},
                {"DISPUTED"},
                {"EXPIRED", true},
                {"ARBITRATED", true},
                {"SETTLED_COMPLETED", true},
                {"SETTLED_REJECTED", true}};
  def.creation = {.name = "create",
                  .to = "OPEN",
                  .roles = {Role::poster},
                  .guards = {{.kind = GuardKind::party_opted_into_role, .role = Role::evaluator}},
                  .events = {"job.created"}};
  for (auto* part : {&work_steps, &refunds, &disputes}) {
    for (TransitionDef& transition : (*part)()) def.transitions.push_back(std::move(transition));
  }
  for (const char* transition : {"expire_unfunded", "expire"}) {
    const char* state = transition == std::string_view("expire") ? "FUNDED" : "OPEN";
    def.timers.push_back({.state = state, .transition = transition, .base = TimerBase::deadline});
    def.timers.push_back(
        {.state = state, .transition = transition, .after_ms = kDeadlineFallbackMs});
  }
  // The evaluator has until 72 h past the deadline, and at most 30 days after the submission.
  def.timers.push_back({.state = "SUBMITTED",
                        .transition = "evaluator_timeout",
                        .base = TimerBase::deadline,
                        .after_ms = 72 * kMillisecondsPerHour});
  def.timers.push_back({.state = "SUBMITTED",
                        .transition = "evaluator_timeout",
                        .base = TimerBase::submitted,
                        .after_ms = 30 * kMillisecondsPerDay});
  def.timers.push_back({.state = "COMPLETED", .transition = "close", .after_ms = kDisputeWindowMs});
  def.timers.push_back(
      {.state = "REJECTED", .transition = "close_rejected", .after_ms = kDisputeWindowMs});
  // The arbitrators' commit (48 h) and reveal (24 h) windows (market settings "commit_hours",
  // "reveal_hours"); without a majority revealed by then the default applies: the evaluation
  // stands, the deposit returns to its payer and every stake is released.
  def.timers.push_back({.state = "DISPUTED",
                        .transition = "arbitration_timeout",
                        .after_ms = 72 * kMillisecondsPerHour});
  return def;
}

}  // namespace

const LifecycleDefinition& aacp_lifecycle() {
  static const LifecycleDefinition definition = make_aacp();
  return definition;
}

}  // namespace mc
