// The 1337MKT lead lifecycle (seed 000): a task funded by escrow deposit before any contract;
// its contracts are child jobs (mkt1337_contract) that each draw one payout from its escrow.
//
//   create           poster  → unfunded   mkt1337_lead (type, typed criteria, payout ×
//                                         slots); actor_tier_allows_amount (post budget)
//                                                                               lead.created
//   fund             poster  unfunded → funded   before_deadline; fund_escrow   lead.funded
//   cancel_unfunded  poster  unfunded → cancelled  (nothing held)   group cancel lead.cancelled
//   cancel_funded    poster  funded → cancelled    no_active_children; refund_poster (what is
//                                                  left)            group cancel lead.cancelled
//   expire_unfunded  system  unfunded → expired    (nothing held)               lead.expired
//   expire           system  funded → expired      refund_poster (what is left) lead.expired
//   pause            poster  funded → paused  (no new contract; live ones go on)  lead.paused
//   resume           poster  paused → funded                                      lead.resumed
//   cancel_paused    poster  paused → cancelled   as cancel_funded    group cancel lead.cancelled
//   expire_paused    system  paused → expired     refund_poster (what is left) lead.expired
//
// Timers: unfunded expires at the deadline or 30 days after creation; funded expires at the
// deadline or 365 days after funding; paused expires like funded (deadline, or 365 days after
// the pause). Expiry is never blocked by live contracts: each contract
// holds its own drawn payout and has its own timed exits; a contract that ends without payout
// after its lead ended returns the payout to the leader (see docs/lifecycles.md).
// The prompt field holds the lead's webhook secret, visible in full to the leader only.
#include "marketcore/clock.h"
#include "marketcore/lifecycle.h"

namespace mc {
namespace {

LifecycleDefinition make_lead() {
  const Effect refund{.kind = EffectKind::refund_poster};
  LifecycleDefinition def;
  def.name = "mkt1337_lead";
  def.states = {{"unfunded"}, {"funded"}, {"paused"}, {"cancelled", true}, {"expired", true}};
  def.creation = {
      .name = "create",
      .to = "unfunded",
      .roles = {Role::poster},
      .guards = {{.kind = GuardKind::custom, .name = "mkt1337_lead"},
                 {.kind = GuardKind::actor_tier_allows_amount, .name = "post_budget_max_minor"}},
      .events = {"lead.created"}};
  def.transitions = {
      {.name = "fund",
       .from = {"unfunded"},
       .to = "funded",
       .roles = {Role::poster},
       .guards = {{.kind = GuardKind::before_deadline}},
       .effects = {{.kind = EffectKind::fund_escrow}},
       .events = {"lead.funded"}},
      {.name = "cancel_unfunded",
       .from = {"unfunded"},
       .to = "cancelled",
       .roles = {Role::poster},
       .events = {"lead.cancelled"},
       .group = "cancel"},
      {.name = "cancel_funded",
       .from = {"funded"},
       .to = "cancelled",
       .roles = {Role::poster},
       .guards = {{.kind = GuardKind::no_active_children}},
       .effects = {refund},
       .events = {"lead.cancelled"},
       .group = "cancel"},
      {.name = "expire_unfunded",
       .from = {"unfunded"},
       .to = "expired",
       .roles = {Role::system},
       .events = {"lead.expired"}},
      {.name = "expire",
       .from = {"funded"},
       .to = "expired",
       .roles = {Role::system},
       .effects = {refund},
       .events = {"lead.expired"}},
      {.name = "pause",
       .from = {"funded"},
       .to = "paused",
       .roles = {Role::poster},
       .events = {"lead.paused"}},
      {.name = "resume",
       .from = {"paused"},
       .to = "funded",
       .roles = {Role::poster},
       .events = {"lead.resumed"}},
      {.name = "cancel_paused",
       .from = {"paused"},
       .to = "cancelled",
       .roles = {Role::poster},
       .guards = {{.kind = GuardKind::no_active_children}},
       .effects = {refund},
       .events = {"lead.cancelled"},
       .group = "cancel"},
      {.name = "expire_paused",
       .from = {"paused"},
       .to = "expired",
       .roles = {Role::system},
       .effects = {refund},
       .events = {"lead.expired"}},
  };
  // The lead's webhook secret is kept in its prompt: the leader alone reads it.
  def.visibility = {{.field = JobField::prompt, .full_view = {Role::poster}, .preview_chars = 0}};
  def.timers = {
      {.state = "unfunded", .transition = "expire_unfunded", .base = TimerBase::deadline},
      {.state = "unfunded", .transition = "expire_unfunded", .after_ms = 30 * kMillisecondsPerDay},
      {.state = "funded", .transition = "expire", .base = TimerBase::deadline},
      {.state = "funded", .transition = "expire", .after_ms = 365 * kMillisecondsPerDay},
      {.state = "paused", .transition = "expire_paused", .base = TimerBase::deadline},
      {.state = "paused", .transition = "expire_paused", .after_ms = 365 * kMillisecondsPerDay},
  };
  return def;
}

}  // namespace

const LifecycleDefinition& mkt1337_lead_lifecycle() {
  static const LifecycleDefinition definition = make_lead();
  return definition;
}

}  // namespace mc
