// Implements marketcore/refusal.h: explains an engine refusal from the lifecycle's data.
//
// The guard details below are the ones src/engine/guards.cpp refuses with; the tests fire each
// built-in guard through the Engine and check that explain_refusal names it.
#include "marketcore/refusal.h"

#include <algorithm>
#include <array>

#include "marketcore/role_opt_in.h"

namespace mc {
namespace {

// Details the engine itself produces while firing (effects, records, look-ups): never a
// host guard's.
constexpr std::array<std::string_view, 16> kEngineDetails = {
    "insufficient_funds",    "escrow_not_held",      "hold_already_resolved",
    "lead_escrow_exhausted", "no_parent_job",        "no_worker",
    "role_unassigned",       "worker_already_set",   "worker_id_required",
    "offer_not_found",       "actor_required",       "job_not_found",
    "party_not_found",       "constraint_violation", "amount_overflow",
    "transition_not_found"};

bool host_may_refuse(const Status& refusal) {
  const Code code = refusal.code();
  if (code != Code::failed_precondition && code != Code::permission_denied &&
      code != Code::invalid_argument) {
    return false;
  }
  return std::find(kEngineDetails.begin(), kEngineDetails.end(), refusal.detail()) ==
         kEngineDetails.end();
}

std::vector<const TransitionDef*> members_of(const LifecycleDefinition& lifecycle,
                                             std::string_view name) {
  if (lifecycle.creation.name == name) return {&lifecycle.creation};
  if (const TransitionDef* exact = lifecycle.transition(name)) return {exact};
  std::vector<const TransitionDef*> members;
  for (const TransitionDef& transition : lifecycle.transitions) {
    if (!transition.group.empty() && transition.group == name) members.push_back(&transition);
  }
  return members;
}

template <typename T>
void add_unique(std::vector<T>& values, const T& value) {
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

std::optional<Role> role_named(std::string_view name) {
  for (Role role : {Role::poster, Role::worker, Role::evaluator, Role::candidate, Role::judge,
                    Role::system, Role::platform, Role::anyone}) {
    if (name == role_name(role)) return role;
  }
  return std::nullopt;
}

std::optional<Guard> guard_refusing(const std::vector<const TransitionDef*>& members,
                                    const Status& refusal) {
  for (const TransitionDef* member : members) {
    for (const Guard& guard : member->guards) {
      const std::vector<std::string> details = guard_refusal_details(guard);
      if (std::find(details.begin(), details.end(), refusal.detail()) != details.end()) {
        return guard;
      }
    }
  }
  if (!host_may_refuse(refusal)) return std::nullopt;
  for (const TransitionDef* member : members) {
    for (const Guard& guard : member->guards) {
      if (guard.kind == GuardKind::custom) return guard;
    }
  }
  return std::nullopt;
}

}  // namespace

const char* refusal_kind_name(RefusalKind kind) {
  switch (kind) {
    case RefusalKind::none:
      return "none";
    case RefusalKind::unknown_transition:
      return "unknown_transition";
    case RefusalKind::wrong_state:
      return "wrong_state";
    case RefusalKind::role_not_allowed:
      return "role_not_allowed";
    case RefusalKind::not_assigned_worker:
      return "not_assigned_worker";
    case RefusalKind::guard:
      return "guard";
    case RefusalKind::not_opted_in:
      return "not_opted_in";
    case RefusalKind::lost_race:
      return "lost_race";
    case RefusalKind::other:
      return "other";
  }
  return "unknown";
}

std::vector<std::string> guard_refusal_details(const Guard& guard) {
  switch (guard.kind) {
    case GuardKind::before_deadline:
      return {"deadline_passed"};
    case GuardKind::after_deadline:
      return {"deadline_not_reached"};
    case GuardKind::before_expiry:
      return {"expired"};
    case GuardKind::confidence_at_least:
      return {"confidence_too_low", "confidence_required"};
    case GuardKind::confidence_below:
      return {"confidence_too_high", "confidence_required"};
    case GuardKind::contracts_available:
      return {"no_contracts_available"};
    case GuardKind::actor_kyc_verified:
      return {"kyc_required", "actor_required"};
    case GuardKind::actor_has_capability:
      return {"capability_mismatch", "actor_required"};
    case GuardKind::actor_reputation_at_least:
      return {"reputation_too_low", "actor_required"};
    case GuardKind::no_active_children:
      return {"active_children"};
    case GuardKind::custom:
      return {};
    case GuardKind::party_opted_into_role:
      return {not_opted_in_detail(guard.role)};
    case GuardKind::parent_in_state:
      return {"parent_wrong_state", "no_parent_job"};
    case GuardKind::actor_tier_allows_amount:
      return {"tier_too_low", "actor_required"};
  }
  return {};
}

RefusalExplanation explain_refusal(const LifecycleDefinition& lifecycle, const Job& job,
                                   std::string_view transition, const Status& refusal) {
  RefusalExplanation explanation;
  explanation.transition = std::string(transition);
  explanation.state = job.state;
  explanation.detail = refusal.detail();
  if (refusal.ok()) {
    explanation.kind = RefusalKind::none;
    return explanation;
  }
  const std::vector<const TransitionDef*> members = members_of(lifecycle, transition);
  if (members.empty()) {
    explanation.kind = refusal.detail() == "transition_not_found" ? RefusalKind::unknown_transition
                                                                  : RefusalKind::other;
    return explanation;
  }
  bool fires_from_state = false;
  for (const TransitionDef* member : members) {
    for (const std::string& from : member->from) add_unique(explanation.allowed_states, from);
    for (Role role : member->roles) add_unique(explanation.roles, role);
    if (std::find(member->from.begin(), member->from.end(), job.state) != member->from.end()) {
      fires_from_state = true;
    }
  }
  const std::string& detail = refusal.detail();
  constexpr std::string_view kOptInSuffix = "_not_opted_in";
  if (detail == "wrong_state") {
    explanation.kind = RefusalKind::wrong_state;
  } else if (detail == "job_state_changed") {
    explanation.kind = fires_from_state ? RefusalKind::lost_race : RefusalKind::wrong_state;
  } else if (detail == "role_not_allowed") {
    explanation.kind = RefusalKind::role_not_allowed;
  } else if (detail == "not_assigned_worker") {
    explanation.kind = RefusalKind::not_assigned_worker;
  } else if (detail.size() > kOptInSuffix.size() &&
             std::string_view(detail).substr(detail.size() - kOptInSuffix.size()) == kOptInSuffix) {
    explanation.kind = RefusalKind::not_opted_in;
    explanation.role =
        role_named(std::string_view(detail).substr(0, detail.size() - kOptInSuffix.size()));
    for (const TransitionDef* member : members) {
      for (const Guard& guard : member->guards) {
        if (guard.kind == GuardKind::party_opted_into_role && !explanation.guard &&
            not_opted_in_detail(guard.role) == detail) {
          explanation.guard = guard;
        }
      }
    }
  } else if (std::optional<Guard> guard = guard_refusing(members, refusal)) {
    explanation.kind = RefusalKind::guard;
    explanation.guard = std::move(guard);
  } else {
    explanation.kind = RefusalKind::other;
  }
  return explanation;
}

}  // namespace mc
