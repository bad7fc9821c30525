// The 1337MKT contract lifecycle (seed 000): one doer's contract on a funded lead, created as
// a child job (parent_job_id = the lead, poster = the leader, worker = the doer). The doer
// takes it (create_job with the doer as poster_id: the engine makes the leader the payer and
// the doer the worker), or the leader creates it for a named worker.
//
//   create              candidate|poster  → active   parent_in_state funded (not paused);
//                                           actor_tier_allows_amount (accept payout);
//                                           contracts_available (on the lead);
//                                           draw_from_parent; Record::take_contract
//                                                                           contract.created
//   submit_proof        worker   active → proof_submitted  before_deadline; mkt1337_proof
//                                           (url, tx_hash or video_url); Record::proof
//                                                                          contract.proof_submitted
//   approve             poster   proof_submitted → approved   pay_worker     contract.approved
//   auto_approve        system   proof_submitted → approved   pay_worker     contract.approved
//   complete            poster|platform  active|proof_submitted → approved  pay_worker
//                                           (completion webhook, attributed conversions)
//                                                                           contract.approved
//   dispute             poster|worker  proof_submitted → disputed  Record::verdict
//                                           (the leader's reject files it)   contract.disputed
//   resolve_for_worker  system|platform  disputed → resolved_doer   pay_worker  contract.resolved
//   resolve_for_poster  system|platform  disputed → resolved_leader  refund_poster;
//                                           Record::release_contract        contract.resolved
//   dispute_timeout     system   disputed → resolved_leader  (as resolve_for_poster)
//   abandon             worker   active → expired   refund_poster; release_contract
//                                                                           contract.abandoned
//   expire              system   active → expired   refund_poster; release_contract
//                                                                           contract.expired
//
// Timers: active expires at the contract's deadline (fallback 30 days after acceptance);
// proof_submitted is approved automatically 72 h after the proof; disputed falls back to the
// leader 14 days after the dispute opened when no verdict came.
#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

std::vector<TransitionDef> doer_steps() {
  const Effect refund{.kind = EffectKind::refund_poster};
  return {
      {.name = "submit_proof",
       .from = {"active"},
       .to = "proof_submitted",
       .roles = {Role::worker},
       .guards = {{.kind = GuardKind::before_deadline},
                  {.kind = GuardKind::custom, .name = "mkt1337_proof"}},
       .records = {Record::proof},
       .events = {"contract.proof_submitted"}},
      {.name = "abandon",
       .from = {"active"},
       .to = "expired",
       .roles = {Role::worker},
       .effects = {refund},
       .records = {Record::release_contract},
       .events = {"contract.abandoned"}},
      {.name = "expire",
       .from = {"active"},
       .to = "expired",
       .roles = {Role::system},
       .effects = {refund},
       .records = {Record::release_contract},
       .events = {"contract.expired"}},
  };
}

std::vector<TransitionDef> decisions() {
  const Effect pay{.kind = EffectKind::pay_worker};
  const Effect refund{.kind = EffectKind::refund_poster};
  const std::vector<Role> house{Role::system, Role::platform};
  return {
      {.name = "approve",
       .from = {"proof_submitted"},
       .to = "approved",
       .roles = {Role::poster},
       .effects = {pay},
       .events = {"contract.approved"}},
      {.name = "auto_approve",
       .from = {"proof_submitted"},
       .to = "approved",
       .roles = {Role::system},
       .effects = {pay},
       .events = {"contract.approved"}},
      {.name = "complete",
       .from = {"active", "proof_submitted"},
       .to = "approved",
       .roles = {Role::poster, Role::platform},
       .effects = {pay},
       .events = {"contract.approved"}},
      {.name = "dispute",
       .from = {"proof_submitted"},
       .to = "disputed",
       .roles = {Role::poster, Role::worker},
       .records = {Record::verdict},
       .events = {"contract.disputed"}},
      {.name = "resolve_for_worker",
       .from = {"disputed"},
       .to = "resolved_doer",
       .roles = house,
       .effects = {pay},
       .records = {Record::verdict},
       .events = {"contract.resolved"}},
      {.name = "resolve_for_poster",
       .from = {"disputed"},
       .to = "resolved_leader",
       .roles = house,
       .effects = {refund},
       .records = {Record::verdict, Record::release_contract},
       .events = {"contract.resolved"}},
      {.name = "dispute_timeout",
       .from = {"disputed"},
       .to = "resolved_leader",
       .roles = {Role::system},
       .effects = {refund},
       .records = {Record::release_contract},
       .events = {"contract.resolved"}},
  };
}

LifecycleDefinition make_contract() {
  LifecycleDefinition def;
  def.name = "mkt1337_contract";
  def.states = {{"active"},         {"proof_submitted"},     {"disputed"},
                {"approved", true}, {"resolved_doer", true}, {"resolved_leader", true},
                {"expired", true}};
  def.creation = {
      .name = "create",
      .to = "active",
      .roles = {Role::candidate, Role::poster},
      .guards = {{.kind = GuardKind::parent_in_state, .name = "funded"},
                 {.kind = GuardKind::actor_tier_allows_amount, .name = "accept_payout_max_minor"},
                 {.kind = GuardKind::contracts_available}},
      .effects = {{.kind = EffectKind::draw_from_parent}},
      .records = {Record::take_contract},
      .events = {"contract.created"}};
  for (auto* part : {&doer_steps, &decisions}) {
    for (TransitionDef& transition : (*part)()) def.transitions.push_back(std::move(transition));
  }
  def.timers = {
      {.state = "active", .transition = "expire", .base = TimerBase::deadline},
      {.state = "active", .transition = "expire", .after_ms = 30 * kMillisecondsPerDay},
      {.state = "proof_submitted",
       .transition = "auto_approve",
       .base = TimerBase::submitted,
       .after_ms = 72 * kMillisecondsPerHour},
      {.state = "disputed", .transition = "dispute_timeout", .after_ms = 14 * kMillisecondsPerDay},
  };
  return def;
}

}  // namespace

const LifecycleDefinition& mkt1337_contract_lifecycle() {
  static const LifecycleDefinition definition = make_contract();
  return definition;
}

}  // namespace mc
