// Implements validate_lifecycle (marketcore/lifecycle.h): the structural rules a lifecycle
// definition must satisfy before the engine will run jobs on it.
//
// Rules, checked in this order (the first failure is returned, detail in quotes):
//   1. the definition, every state and every transition have a name ("name_empty");
//      names are unique ("duplicate_state", "duplicate_transition": the creation shares the
//      transitions' namespace);
//   2. the creation has no from-states ("creation_has_from") and leads to a known state;
//      every other transition names a from-state ("transition_without_from"); from/to
//      states are known ("unknown_state"); each names at least one role
//      ("transition_without_roles");
//   3. terminal states have no outgoing transitions ("terminal_has_transition");
//   4. every timer names a known, non-terminal state ("unknown_state",
//      "timer_on_terminal_state"), a known transition ("unknown_transition") that Role::system
//      may fire ("timer_not_system") from that state ("timer_wrong_state"), that leaves the
//      state ("timer_does_not_leave_state"), that has no guard ("timer_transition_guarded":
//      nothing may block a timed exit) and a non-negative delay ("timer_negative_delay");
//   5. field visibility: each field once, preview >= 0, only grantable roles
//      ("visibility_field_repeated", "visibility_preview_negative",
//      "visibility_role_not_grantable");
//   6. every non-terminal state has a timer whose due time always exists: base entered_state
//      or submitted ("state_without_timed_exit"). Deadline and work-timeout timers are
//      welcome but do not count alone, since a job may lack a deadline or a work timeout.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "marketcore/lifecycle.h"

namespace mc {
namespace {

Status refuse(std::string detail, std::string message) {
  return invalid_argument(std::move(detail), std::move(message), "lifecycle");
}

bool contains_role(const std::vector<Role>& roles, Role role) {
  for (Role candidate : roles) {
    if (candidate == role) return true;
  }
  return false;
}

bool contains_state(const std::vector<std::string>& states, std::string_view state) {
  for (const std::string& candidate : states) {
    if (candidate == state) return true;
  }
  return false;
}

Status check_names(const LifecycleDefinition& definition) {
  if (definition.name.empty()) return refuse("name_empty", "the lifecycle has no name");
  if (definition.states.empty()) return refuse("no_states", definition.name + " has no states");
  std::set<std::string> states;
  for (const StateDef& state : definition.states) {
    if (state.name.empty()) return refuse("name_empty", definition.name + ": unnamed state");
    if (!states.insert(state.name).second) {
      return refuse("duplicate_state", definition.name + ": state " + state.name + " twice");
    }
  }
  std::set<std::string> transitions;
  std::vector<const TransitionDef*> all{&definition.creation};
  for (const TransitionDef& transition : definition.transitions) all.push_back(&transition);
  for (const TransitionDef* transition : all) {
    if (transition->name.empty()) {
      return refuse("name_empty", definition.name + ": unnamed transition");
    }
    if (!transitions.insert(transition->name).second) {
      return refuse("duplicate_transition",
                    definition.name + ": transition " + transition->name + " twice");
    }
  }
  return ok_status();
}

Status check_transition(const LifecycleDefinition& definition, const TransitionDef& transition) {
  const std::string where = definition.name + "." + transition.name;
  if (transition.roles.empty()) {
    return refuse("transition_without_roles", where + " names no role that may fire it");
  }
  if (definition.state(transition.to) == nullptr) {
    return refuse("unknown_state", where + " leads to unknown state '" + transition.to + "'");
  }
  for (const std::string& from : transition.from) {
    const StateDef* state = definition.state(from);
    if (state == nullptr) {
      return refuse("unknown_state", where + " fires from unknown state '" + from + "'");
    }
    if (state->terminal) {
      return refuse("terminal_has_transition", where + " fires from terminal state '" + from + "'");
    }
  }
  return ok_status();
}

Status check_timer(const LifecycleDefinition& definition, const TimerDef& timer) {
  const std::string where = definition.name + " timer " + timer.state + "/" + timer.transition;
  const StateDef* state = definition.state(timer.state);
  if (state == nullptr) return refuse("unknown_state", where + ": unknown state");
  if (state->terminal) return refuse("timer_on_terminal_state", where + ": state is terminal");
  const TransitionDef* transition = definition.transition(timer.transition);
  if (transition == nullptr) return refuse("unknown_transition", where + ": unknown transition");
  if (!contains_role(transition->roles, Role::system)) {
    return refuse("timer_not_system", where + ": Role::system may not fire the transition");
  }
  if (!contains_state(transition->from, timer.state)) {
    return refuse("timer_wrong_state", where + ": the transition cannot fire from the state");
  }
  if (transition->to == timer.state) {
    return refuse("timer_does_not_leave_state", where + ": the transition stays in the state");
  }
  if (!transition->guards.empty()) {
    return refuse("timer_transition_guarded", where + ": a guard could block the timed exit");
  }
  if (timer.after_ms < 0) return refuse("timer_negative_delay", where + ": negative after_ms");
  return ok_status();
}

bool always_due(TimerBase base) {
  return base == TimerBase::entered_state || base == TimerBase::submitted;
}

}  // namespace

// Each field is declared once, with a preview length of zero or more, granted only to roles that
// visibility can grant (poster, worker, evaluator, platform, anyone).
Status check_visibility(const LifecycleDefinition& definition) {
  std::vector<JobField> seen;
  for (const FieldVisibility& rule : definition.visibility) {
    const std::string where = definition.name + " visibility of " + job_field_name(rule.field);
    if (std::find(seen.begin(), seen.end(), rule.field) != seen.end()) {
      return refuse("visibility_field_repeated", where + ": the field is declared twice");
    }
    seen.push_back(rule.field);
    if (rule.preview_chars < 0) {
      return refuse("visibility_preview_negative", where + ": preview_chars is negative");
    }
    for (Role role : rule.full_view) {
      if (role == Role::candidate || role == Role::judge || role == Role::system) {
        return refuse("visibility_role_not_grantable",
                      where + ": visibility cannot grant the role " + role_name(role));
      }
    }
  }
  return ok_status();
}

Status validate_lifecycle(const LifecycleDefinition& definition) {
  MC_TRY(check_names(definition));
  const TransitionDef& creation = definition.creation;
  if (!creation.from.empty()) {
    return refuse("creation_has_from", definition.name + "." + creation.name +
                                           " is the creation and may not name from-states");
  }
  MC_TRY(check_transition(definition, creation));
  for (const TransitionDef& transition : definition.transitions) {
    if (transition.from.empty()) {
      return refuse("transition_without_from",
                    definition.name + "." + transition.name + " names no from-state");
    }
    MC_TRY(check_transition(definition, transition));
  }
  for (const TimerDef& timer : definition.timers) MC_TRY(check_timer(definition, timer));
  MC_TRY(check_visibility(definition));
  for (const StateDef& state : definition.states) {
    if (state.terminal) continue;
    bool bounded = false;
    for (const TimerDef& timer : definition.timers) {
      if (timer.state == state.name && always_due(timer.base)) bounded = true;
    }
    if (!bounded) {
      return refuse("state_without_timed_exit",
                    definition.name + ": state '" + state.name +
                        "' has no timer that is always due (entered_state or submitted)");
    }
  }
  return ok_status();
}

}  // namespace mc
