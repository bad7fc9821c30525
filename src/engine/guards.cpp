// Guards of a transition, checked in the definition's order before any effect (lifecycle.h
// documents each kind). The first failing guard decides the error: failed_precondition with a
// stable detail (refusal.h lists them per kind), or whatever a host guard returns. After the
// listed guards, the engine's own consent rule: a lock_stake effect on a party other than the
// actor needs that party's opt-in to the role (role_opt_in.h).
#include <algorithm>
#include <string>

#include "engine/firing.h"
#include "engine/market_settings.h"
#include "marketcore/role_opt_in.h"

namespace mc::engine {
namespace {

Status refuse(const char* detail, const std::string& message) {
  return failed_precondition(detail, message);
}

Result<const Party*> require_actor(const Firing& firing) {
  if (!firing.actor) {
    return failed_precondition("actor_required", "this transition needs an acting party");
  }
  return &*firing.actor;
}

Status check_contracts_available(Firing& firing) {
  Job* lead = &firing.job;
  if (firing.job.parent_job_id) {
    MC_TRY_ASSIGN(lead, load_parent(firing));
  }
  if (lead->contracts_taken >= lead->contracts_max) {
    return refuse("no_contracts_available",
                  "all " + std::to_string(lead->contracts_max) + " contracts are taken");
  }
  return ok_status();
}

Status check_no_active_children(Firing& firing) {
  constexpr int32_t kPage = 200;
  for (int32_t offset = 0;; offset += kPage) {
    JobQuery query;
    query.parent_job_id = firing.job.id;
    query.limit = kPage;
    query.offset = offset;
    MC_TRY_ASSIGN(std::vector<Job> children, firing.tx.jobs(query));
    for (const Job& child : children) {
      auto definition = firing.registry.find_lifecycle(child.lifecycle);
      const StateDef* state = definition ? definition->state(child.state) : nullptr;
      if (state == nullptr || !state->terminal) {
        return refuse("active_children", "contract " + std::to_string(child.id) + " is active");
      }
    }
    if (children.size() < static_cast<size_t>(kPage)) return ok_status();
  }
}

Status check_capability(const Firing& firing) {
  MC_TRY_ASSIGN(const Party* actor, require_actor(firing));
  if (firing.job.capabilities.empty()) return ok_status();
  for (const std::string& needed : firing.job.capabilities) {
    if (std::find(actor->capabilities.begin(), actor->capabilities.end(), needed) !=
        actor->capabilities.end()) {
      return ok_status();
    }
  }
  return refuse("capability_mismatch", "the actor has none of the job's capabilities");
}

Status check_parent_state(Firing& firing, const Guard& guard) {
  if (!firing.job.parent_job_id) {
    return refuse("parent_wrong_state", "the job has no parent in state '" + guard.name + "'");
  }
  MC_TRY_ASSIGN(Job * parent, load_parent(firing));
  if (parent->state != guard.name) {
    return refuse("parent_wrong_state",
                  "the parent job is '" + parent->state + "', not '" + guard.name + "'");
  }
  return ok_status();
}

Status check_tier_amount(const Firing& firing, const Guard& guard) {
  MC_TRY_ASSIGN(const Party* actor, require_actor(firing));
  const std::optional<MarketTier> tier = market_tier(firing.market.config, actor->reputation);
  if (!tier) return ok_status();
  const int64_t max_minor = tier_setting_int(*tier, guard.name, 0);
  if (max_minor == 0 || firing.job.amount_minor <= max_minor) return ok_status();
  return refuse("tier_too_low", "tier " + tier->name + " allows at most " +
                                    std::to_string(max_minor) + " minor units here");
}

Status check_custom(const Firing& firing, const Guard& guard) {
  auto function = firing.registry.find_guard(guard.name);
  if (!function) {
    return internal_error("unknown_guard", "no host guard named '" + guard.name + "'");
  }
  const std::optional<PartyId> actor = firing.actor_id;
  return (*function)(firing.job, actor, firing.request);
}

Status check_guard(Firing& firing, const Guard& guard) {
  if (guard.kind == GuardKind::party_opted_into_role) return check_role_consent(firing, guard.role);
  const int64_t now_ms = firing.tx.now_ms();
  const Job& job = firing.job;
  switch (guard.kind) {
    case GuardKind::before_deadline:
      if (job.deadline_at_ms && now_ms >= *job.deadline_at_ms) {
        return refuse("deadline_passed", "the job's deadline has passed");
      }
      return ok_status();
    case GuardKind::after_deadline:
      if (!job.deadline_at_ms || now_ms < *job.deadline_at_ms) {
        return refuse("deadline_not_reached", "the job's deadline has not been reached");
      }
      return ok_status();
    case GuardKind::before_expiry:
      if (job.expires_at_ms && now_ms >= *job.expires_at_ms) {
        return refuse("expired", "the time allowed in state '" + job.state + "' has run out");
      }
      return ok_status();
    case GuardKind::confidence_at_least:
    case GuardKind::confidence_below: {
      if (!firing.request.confidence) {
        return invalid_argument("confidence_required", "this transition needs a confidence",
                                "confidence");
      }
      const bool at_least = *firing.request.confidence >= guard.value;
      if (at_least == (guard.kind == GuardKind::confidence_at_least)) return ok_status();
      return refuse(at_least ? "confidence_too_high" : "confidence_too_low",
                    "confidence " + std::to_string(*firing.request.confidence) +
                        " does not meet the threshold " + std::to_string(guard.value));
    }
    case GuardKind::contracts_available:
      return check_contracts_available(firing);
    case GuardKind::actor_kyc_verified: {
      MC_TRY_ASSIGN(const Party* actor, require_actor(firing));
      if (actor->kyc_status != "VERIFIED") return refuse("kyc_required", "KYC is not verified");
      return ok_status();
    }
    case GuardKind::actor_has_capability:
      return check_capability(firing);
    case GuardKind::actor_reputation_at_least: {
      MC_TRY_ASSIGN(const Party* actor, require_actor(firing));
      if (actor->reputation < guard.value) {
        return refuse("reputation_too_low", "reputation " + std::to_string(actor->reputation) +
                                                " is below " + std::to_string(guard.value));
      }
      return ok_status();
    }
    case GuardKind::no_active_children:
      return check_no_active_children(firing);
    case GuardKind::custom:
      return check_custom(firing, guard);
    case GuardKind::parent_in_state:
      return check_parent_state(firing, guard);
    case GuardKind::actor_tier_allows_amount:
      return check_tier_amount(firing, guard);
    case GuardKind::party_opted_into_role:
      break;  // checked above
  }
  return internal_error("unknown_guard_kind",
                        "guard kind " + std::to_string(static_cast<int>(guard.kind)));
}

}  // namespace

Status check_role_consent(Firing& firing, Role role) {
  // The actor's own roles (candidate, anyone, judge) and the house's have no named party.
  const std::optional<PartyId> party = job_party_of_role(firing.job, role);
  if (!party || party == firing.actor_id) return ok_status();
  MC_TRY_ASSIGN(Party named, firing.tx.party(*party));
  if (party_accepts_role(named, role)) return ok_status();
  return permission_denied(not_opted_in_detail(role),
                           "party " + std::to_string(*party) + " has not accepted the role " +
                               role_name(role) + ": it must opt in (profile \"" + kAcceptsRolesKey +
                               "\") before anyone else can name it");
}

Status check_guards(Firing& firing) {
  for (const Guard& guard : firing.transition.guards) MC_TRY(check_guard(firing, guard));
  for (const Effect& effect : firing.transition.effects) {
    if (effect.kind == EffectKind::lock_stake) MC_TRY(check_role_consent(firing, effect.role));
  }
  return ok_status();
}

}  // namespace mc::engine
