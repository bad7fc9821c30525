// The lifecycle interpreter (see interpreter.h for the order of a firing).
//
// Error precedence when a name resolves to several candidates (a group): a guard failure of
// a candidate that was allowed by state and role beats a role refusal, which beats a wrong
// state; among equals the first candidate's error wins.
#include "engine/interpreter.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/planted.h"
#include "engine/firing.h"

namespace mc::engine {
namespace {

template <typename T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

std::vector<const TransitionDef*> candidates_of(const LifecycleDefinition& definition,
                                                std::string_view name) {
  std::vector<const TransitionDef*> candidates;
  for (const TransitionDef& transition : definition.transitions) {
    if (transition.name == name) return {&transition};
    if (!transition.group.empty() && transition.group == name) candidates.push_back(&transition);
  }
  return candidates;
}

Result<std::optional<Party>> load_actor(store::Transaction& tx, const Job& job,
                                        const std::optional<PartyId>& actor_id) {
  if (!actor_id) return std::optional<Party>();
  Result<Party> party = tx.party(*actor_id);
  if (!party.ok() || party->market_id != job.market_id) {
    if (party.ok() || party.status().code() == Code::not_found) {
      return not_found("party_not_found",
                       "no party " + std::to_string(*actor_id) + " in the job's market");
    }
    return party.status();
  }
  return std::optional<Party>(std::move(party).value());
}

Result<bool> is_judge(store::Transaction& tx, JobId job, PartyId party) {
  MC_TRY_ASSIGN(std::optional<Dispute> dispute, tx.dispute_of_job(job));
  if (!dispute || dispute->status != "open") return false;
  MC_TRY_ASSIGN(std::vector<DisputeVote> votes, tx.dispute_votes(dispute->id));
  return std::any_of(votes.begin(), votes.end(),
                     [&](const DisputeVote& vote) { return vote.judge_id == party; });
}

Result<std::optional<Role>> choose_role(store::Transaction& tx, const Job& job,
                                        const FireTransition& request,
                                        const TransitionDef& transition) {
  if (request.as_platform) {
    if (contains(transition.roles, Role::platform)) return std::optional<Role>(Role::platform);
    return std::optional<Role>();
  }
  if (!request.actor_id) {
    if (contains(transition.roles, Role::system)) return std::optional<Role>(Role::system);
    return std::optional<Role>();
  }
  const PartyId actor = *request.actor_id;
  for (Role role : transition.roles) {
    bool holds = false;
    switch (role) {
      case Role::poster:
        holds = actor == job.poster_id;
        break;
      case Role::worker:
        holds = job.worker_id == actor;
        break;
      case Role::evaluator:
        holds = job.evaluator_id == actor;
        break;
      case Role::candidate:
        // A job created for a named worker may be taken by that worker only.
        holds = actor != job.poster_id && (!job.worker_id || *job.worker_id == actor);
        break;
      case Role::anyone:
        holds = true;
        break;
      case Role::judge: {
        MC_TRY_ASSIGN(holds, is_judge(tx, job.id, actor));
        break;
      }
      case Role::system:
      case Role::platform:
        break;
    }
    if (holds) return std::optional<Role>(role);
  }
  return std::optional<Role>();
}

Status not_assigned_worker(const Job& job) {
  return permission_denied("not_assigned_worker", "job " + std::to_string(job.id) +
                                                      " was created for party " +
                                                      std::to_string(job.worker_id.value_or(0)) +
                                                      "; no one else may take it");
}

// Why no role of `transition` fits the caller: a candidate other than the job's named worker
// is "not_assigned_worker", everything else "role_not_allowed" naming the roles allowed.
Status role_refusal(const Job& job, const FireTransition& request,
                    const TransitionDef& transition) {
  const bool other_candidate = request.actor_id && !request.as_platform &&
                               *request.actor_id != job.poster_id && job.worker_id &&
                               *job.worker_id != *request.actor_id &&
                               contains(transition.roles, Role::candidate);
  if (other_candidate) return not_assigned_worker(job);
  std::string roles;
  for (Role role : transition.roles) {
    roles += (roles.empty() ? "" : ", ") + std::string(role_name(role));
  }
  return permission_denied("role_not_allowed", "the caller may not fire '" + transition.name +
                                                   "' (roles allowed: " + roles + ")");
}

// Record::worker_from_request: the poster picks a worker who holds a PENDING offer.
Status record_picked_worker(Firing& firing) {
  const std::optional<PartyId>& picked = firing.request.worker_id;
  if (!picked) {
    return invalid_argument("worker_id_required", "name the worker you pick", "worker_id");
  }
  if (firing.job.worker_id) {
    return failed_precondition("worker_already_set", "the job already has a worker");
  }
  MC_TRY_ASSIGN(std::vector<Offer> offers, firing.tx.offers(firing.job.id));
  const bool offered = std::any_of(offers.begin(), offers.end(), [&](const Offer& offer) {
    return offer.party_id == *picked && offer.status == "PENDING";
  });
  if (!offered) {
    return failed_precondition(
        "offer_not_found", "party " + std::to_string(*picked) + " has no pending offer on the job");
  }
  firing.job.worker_id = picked;
  firing.job.accepted_at_ms = firing.tx.now_ms();
  return ok_status();
}

Status apply_records(Firing& firing) {
  const int64_t now_ms = firing.tx.now_ms();
  Job& job = firing.job;
  for (Record record : firing.transition.records) {
    switch (record) {
      case Record::worker:
        if (!firing.actor_id) {
          return failed_precondition("actor_required", "taking a job needs an acting party");
        }
        if (job.worker_id && job.worker_id != firing.actor_id) return not_assigned_worker(job);
        job.worker_id = firing.actor_id;
        job.accepted_at_ms = now_ms;
        break;
      case Record::result:
        job.result_text = firing.request.result_text;
        break;
      case Record::proof:
        job.proof_json = firing.request.proof_json;
        job.submitted_at_ms = now_ms;
        break;
      case Record::verdict:
        job.verdict_json = firing.request.verdict_json;
        break;
      case Record::clear_worker:
        job.worker_id.reset();
        job.accepted_at_ms.reset();
        break;
      case Record::take_contract:
      case Record::release_contract: {
        Job* lead = &job;
        if (job.parent_job_id) {
          MC_TRY_ASSIGN(lead, load_parent(firing));
          firing.parent_changed = true;
        }
        if (record == Record::take_contract) {
          lead->contracts_taken += 1;
        } else {
          lead->contracts_taken = std::max(0, lead->contracts_taken - 1);
        }
        break;
      }
      case Record::worker_from_request:
        MC_TRY(record_picked_worker(firing));
        break;
    }
  }
  return ok_status();
}

std::vector<store::Timer> plan_timers(const LifecycleDefinition& definition, const Job& job,
                                      int64_t now_ms) {
  std::vector<store::Timer> timers;
  for (const TimerDef& def : definition.timers) {
    if (def.state != job.state) continue;
    std::optional<int64_t> due_at_ms;
    switch (def.base) {
      case TimerBase::entered_state:
        due_at_ms = now_ms + def.after_ms;
        break;
      case TimerBase::work_timeout:
        if (job.work_timeout_ms) due_at_ms = now_ms + *job.work_timeout_ms + def.after_ms;
        break;
      case TimerBase::deadline:
        if (job.deadline_at_ms) due_at_ms = *job.deadline_at_ms + def.after_ms;
        break;
      case TimerBase::submitted:
        if (job.submitted_at_ms) due_at_ms = *job.submitted_at_ms + def.after_ms;
        break;
    }
    if (due_at_ms) timers.push_back({0, job.id, def.transition, def.state, *due_at_ms});
  }
  return timers;
}

Status settle_offers(Firing& firing) {
  if (!contains(firing.transition.records, Record::worker) &&
      !contains(firing.transition.records, Record::worker_from_request)) {
    return ok_status();
  }
  MC_TRY_ASSIGN(std::vector<Offer> offers, firing.tx.offers(firing.job.id));
  for (Offer& offer : offers) {
    if (offer.status != "PENDING") continue;
    offer.status = offer.party_id == firing.job.worker_id ? "ACCEPTED" : "REJECTED";
    offer.updated_at_ms = firing.tx.now_ms();
    MC_TRY(firing.tx.update_offer(offer));
  }
  return ok_status();
}

Status write_history(Firing& firing) {
  JobTransitionRecord record;
  record.job_id = firing.job.id;
  record.transition = firing.transition.name;
  record.from_state = firing.from_state;
  record.to_state = firing.job.state;
  record.actor_id = firing.actor_id;
  record.actor_role = role_name(firing.role);
  record.at_ms = firing.tx.now_ms();
  return firing.tx.append_job_history(record);
}

// Everything after the guards: from here only I/O or a lost race can fail.
Result<JobOutcome> apply(Firing& firing) {
  for (const Effect& effect : firing.transition.effects) MC_TRY(apply_effect(firing, effect));
  MC_TRY(apply_records(firing));
  Job& job = firing.job;
  const int64_t now_ms = firing.tx.now_ms();
  const bool entered = firing.creation || firing.transition.to != firing.from_state;
  job.state = firing.transition.to;
  job.updated_at_ms = now_ms;
  const StateDef* state = firing.definition.state(job.state);
  if (state == nullptr) return internal_error("unknown_state", "state '" + job.state + "'");
  if (state->terminal) job.completed_at_ms = now_ms;
  std::vector<store::Timer> timers;
  if (entered) {
    timers = plan_timers(firing.definition, job, now_ms);
    job.expires_at_ms.reset();
    for (const store::Timer& timer : timers) {
      job.expires_at_ms = std::min(job.expires_at_ms.value_or(timer.due_at_ms), timer.due_at_ms);
    }
  }
  MC_TRY(firing.tx.update_job(job, firing.expected_state, firing.expected_version));
  job.version = firing.expected_version + 1;
  if (firing.parent_changed) {
    MC_TRY(firing.tx.update_job(*firing.parent, firing.parent_expected_state,
                                firing.parent_expected_version));
  }
  MC_TRY(write_history(firing));
  MC_TRY(append_transition_events(firing));
  if (entered) {
    if (!firing.creation) MC_TRY(firing.tx.cancel_timers(job.id));
    for (const store::Timer& timer : timers) MC_TRY(firing.tx.schedule_timer(timer).status());
  }
  MC_TRY(settle_offers(firing));
  return JobOutcome{job, firing.transition.name, false, std::move(firing.balances_after)};
}

}  // namespace

Result<Job*> load_parent(Firing& firing) {
  if (!firing.job.parent_job_id) {
    return failed_precondition("no_parent_job", "the job is not a contract of a lead");
  }
  if (!firing.parent) {
    MC_TRY_ASSIGN(Job lead, firing.tx.job(*firing.job.parent_job_id));
    firing.parent_expected_state = lead.state;
    firing.parent_expected_version = lead.version;
    firing.parent = std::move(lead);
  }
  return &*firing.parent;
}

std::optional<PartyId> job_party_of_role(const Job& job, Role role) {
  switch (role) {
    case Role::poster:
      return job.poster_id;
    case Role::worker:
      return job.worker_id;
    case Role::evaluator:
      return job.evaluator_id;
    case Role::candidate:
    case Role::anyone:
    case Role::judge:
    case Role::system:
    case Role::platform:
      break;
  }
  return std::nullopt;
}

Result<PartyId> party_of_role(const Firing& firing, Role role) {
  const bool actor_role = role == Role::candidate || role == Role::anyone || role == Role::judge;
  const std::optional<PartyId> party =
      actor_role ? firing.actor_id : job_party_of_role(firing.job, role);
  if (!party) {
    return failed_precondition("role_unassigned",
                               std::string("no party plays the role ") + role_name(role));
  }
  return *party;
}

Result<JobOutcome> Interpreter::fire(store::Transaction& tx, const FireTransition& request) const {
  MC_TRY_ASSIGN(Job job, tx.job(request.job_id));
  return fire_loaded(tx, job, request);
}

Result<JobOutcome> Interpreter::fire_loaded(store::Transaction& tx, const Job& job,
                                            const FireTransition& request) const {
  auto definition = registry_.find_lifecycle(job.lifecycle);
  if (!definition) {
    return internal_error("unknown_lifecycle", "job lifecycle '" + job.lifecycle + "'");
  }
  const std::vector<const TransitionDef*> candidates =
      candidates_of(*definition, request.transition);
  if (candidates.empty()) {
    return not_found(
        "transition_not_found",
        "lifecycle '" + job.lifecycle + "' has no transition '" + request.transition + "'");
  }
  MC_TRY_ASSIGN(Market market, tx.market(job.market_id));
  MC_TRY_ASSIGN(std::optional<Party> actor, load_actor(tx, job, request.actor_id));
  Status refusal;
  int refusal_rank = -1;  // 0 wrong state, 1 role, 2 guard
  auto refuse = [&](Status status, int rank) {
    if (rank > refusal_rank) {
      refusal = std::move(status);
      refusal_rank = rank;
    }
  };
  for (const TransitionDef* transition : candidates) {
    if (!contains(transition->from, job.state)) {
      refuse(
          failed_precondition("wrong_state", "'" + transition->name +
                                                 "' is not allowed in state '" + job.state + "'"),
          0);
      continue;
    }
    MC_TRY_ASSIGN(std::optional<Role> role, choose_role(tx, job, request, *transition));
    if (!role) {
      refuse(role_refusal(job, request, *transition), 1);
      continue;
    }
    Firing firing{.tx = tx,
                  .registry = registry_,
                  .definition = *definition,
                  .market = market,
                  .transition = *transition,
                  .request = request,
                  .role = *role,
                  .actor_id = request.actor_id,
                  .actor = actor,
                  .from_state = job.state,
                  .expected_state = job.state,
                  .expected_version = job.version,
                  .job = job};
    Status guards = check_guards(firing);
    if (!guards.ok()) {
      refuse(std::move(guards), 2);
      continue;
    }
#if MC_PLANTED_GUARD_OUTSIDE_TX
    // The job checked may be a snapshot read before the write unit; the update is guarded by
    // the row as it is now, so a check made on stale state goes through.
    MC_TRY_ASSIGN(Job current, tx.job(job.id));
    firing.expected_state = current.state;
    firing.expected_version = current.version;
#endif
    return apply(firing);
  }
  return refusal;
}

Result<JobOutcome> Interpreter::fire_creation(store::Transaction& tx, const Job& inserted,
                                              PartyId actor_id) const {
  auto definition = registry_.find_lifecycle(inserted.lifecycle);
  if (!definition) {
    return internal_error("unknown_lifecycle", "job lifecycle '" + inserted.lifecycle + "'");
  }
  MC_TRY_ASSIGN(Market market, tx.market(inserted.market_id));
  MC_TRY_ASSIGN(std::optional<Party> actor, load_actor(tx, inserted, actor_id));
  FireTransition request;
  request.job_id = inserted.id;
  request.transition = definition->creation.name;
  request.actor_id = actor_id;
  // The job already sits in its initial state; creation is checked as if from nowhere.
  Job unborn = inserted;
  unborn.state.clear();
  MC_TRY_ASSIGN(std::optional<Role> role, choose_role(tx, unborn, request, definition->creation));
  if (!role) return role_refusal(unborn, request, definition->creation);
  Firing firing{.tx = tx,
                .registry = registry_,
                .definition = *definition,
                .market = market,
                .transition = definition->creation,
                .request = request,
                .creation = true,
                .role = *role,
                .actor_id = actor_id,
                .actor = actor,
                .from_state = "",
                .expected_state = inserted.state,
                .expected_version = inserted.version,
                .job = inserted};
  MC_TRY(check_guards(firing));
  return apply(firing);
}

}  // namespace mc::engine
