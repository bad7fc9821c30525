// Implements the small accessors of marketcore/lifecycle.h: role names, state and transition
// look-up, and the list of built-in definitions (each defined in its own file).
#include "marketcore/lifecycle.h"

namespace mc {

const char* role_name(Role role) {
  switch (role) {
    case Role::poster:
      return "poster";
    case Role::worker:
      return "worker";
    case Role::evaluator:
      return "evaluator";
    case Role::candidate:
      return "candidate";
    case Role::judge:
      return "judge";
    case Role::system:
      return "system";
    case Role::platform:
      return "platform";
    case Role::anyone:
      return "anyone";
  }
  return "unknown";
}

const StateDef* LifecycleDefinition::state(std::string_view name) const {
  for (const StateDef& candidate : states) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

const TransitionDef* LifecycleDefinition::transition(std::string_view name) const {
  for (const TransitionDef& candidate : transitions) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

std::vector<const LifecycleDefinition*> builtin_lifecycles() {
  return {&j0_lifecycle(),   &agentmarket_lifecycle(),  &humanops_lifecycle(),
          &aacp_lifecycle(), &mkt1337_lead_lifecycle(), &mkt1337_contract_lifecycle()};
}

}  // namespace mc
