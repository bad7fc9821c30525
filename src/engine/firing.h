// firing.h — the state of one transition being fired inside a store write unit.
//
// The interpreter (interpreter.cpp) builds a Firing once it has chosen the transition and the
// actor's role, then hands it to the guard, effect and event helpers, which read the request
// and mutate the working copy of the job (and, for contracts, of its parent lead). Nothing
// here outlives the write unit.
//
// Thread-safety: confined to the write unit's thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "engine/registry.h"
#include "marketcore/engine.h"
#include "marketcore/lifecycle.h"
#include "store/store.h"

namespace mc::engine {

struct Firing {
  store::Transaction& tx;
  const Registry& registry;
  const LifecycleDefinition& definition;
  const Market& market;
  const TransitionDef& transition;
  const FireTransition& request;
  bool creation = false;
  Role role = Role::system;
  std::optional<PartyId> actor_id;
  std::optional<Party> actor;  // loaded when actor_id is set
  std::string from_state;      // "" for the creation transition
  std::string expected_state;  // the stored row's state the update is guarded on
  int64_t expected_version = 0;
  Job job;  // working copy; written by update_job at the end
  // The parent lead of a contract, loaded on first use; written back when changed.
  std::optional<Job> parent;
  std::string parent_expected_state;
  int64_t parent_expected_version = 0;
  bool parent_changed = false;
  // Parties whose balances the effects changed (one balance.updated event each).
  std::set<PartyId> balance_parties;
  // Their balances after the effects, read for those events (JobOutcome::balances).
  std::map<PartyId, Balances> balances_after;
};

// Loads the parent lead of firing.job into firing.parent (once).
// failed_precondition/"no_parent_job" when the job has none.
Result<Job*> load_parent(Firing& firing);

// The job's own party in `role` (poster, worker or evaluator); nullopt for the roles the actor
// or the house holds by definition (candidate, anyone, judge, system, platform).
std::optional<PartyId> job_party_of_role(const Job& job, Role role);

// The party that plays `role` in this firing: poster, worker, evaluator, or the actor for
// candidate/anyone/judge. failed_precondition/"role_unassigned" when nobody does.
Result<PartyId> party_of_role(const Firing& firing, Role role);

// Runs the transition's guards in order, then checks that every lock_stake effect on another
// party than the actor has that party's consent (check_role_consent); the first failure is
// returned.
Status check_guards(Firing& firing);

// ok when nobody plays `role`, the actor plays it, or the party playing it opted into it
// (marketcore/role_opt_in.h); else permission_denied/"<role>_not_opted_in". Roles held by the
// actor by definition (candidate, anyone, judge) and the house's always pass.
Status check_role_consent(Firing& firing, Role role);

// Applies one ledger effect through the transaction.
Status apply_effect(Firing& firing, const Effect& effect);

// Writes the transition's events (one per type) and a balance.updated per touched party.
Status append_transition_events(Firing& firing);

// Writes one "balance.updated" event for `party` with its current balances.
Result<Balances> append_balance_event(store::Transaction& tx, MarketId market, PartyId party);

}  // namespace mc::engine
