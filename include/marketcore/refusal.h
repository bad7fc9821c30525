// marketcore/refusal.h — why the engine refused a transition, read from the lifecycle.
//
// Engine::fire and Engine::create_job refuse with a Status whose detail is stable; this header
// turns such a Status, the job's lifecycle and the job (as re-read after the refusal) into a
// structured explanation: which check failed (state, role, assigned worker, a guard, a role
// opt-in, a lost race) and the lifecycle data behind it (the transition's from-states and
// roles, the guard that failed). A dialect maps the explanation to its own wording with a
// table keyed by (transition, kind, state or guard) instead of re-reading the job and
// restating the lifecycle's rules by hand.
//
// The refusals the interpreter produces, and what they carry:
//   failed_precondition/"wrong_state"  message "'<transition>' is not allowed in state
//                                      '<state>'"                         → kind wrong_state
//   permission_denied/"role_not_allowed"  message names the roles allowed → kind role_not_allowed
//   permission_denied/"not_assigned_worker"  the job names another worker → kind
//                                      not_assigned_worker
//   permission_denied/"<role>_not_opted_in"  (role_opt_in.h)            → kind not_opted_in
//   a guard's detail (see guard_refusal_details)                        → kind guard
//   aborted/"job_state_changed"  a concurrent change won                → kind wrong_state when
//                                      the job's new state no longer allows the transition,
//                                      else lost_race
//
// Thread-safety: pure functions.
//
// Example:
//   Result<JobOutcome> fired = engine.fire(request);
//   if (!fired.ok()) {
//     Job now = engine.job(request.job_id).value();
//     LifecycleDefinition lifecycle = engine.lifecycle(now.lifecycle).value();
//     RefusalExplanation why = explain_refusal(lifecycle, now, request.transition,
//                                              fired.status());
//     if (why.kind == RefusalKind::wrong_state && why.state == "accepted") { ... }
//   }
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/job.h"
#include "marketcore/lifecycle.h"
#include "marketcore/status.h"

namespace mc {

enum class RefusalKind : int32_t {
  none = 0,                 // the status is ok: nothing was refused
  unknown_transition = 1,   // the lifecycle has no transition or group of that name
  wrong_state = 2,          // the job's state is not one the transition fires from
  role_not_allowed = 3,     // the caller holds none of the transition's roles
  not_assigned_worker = 4,  // the job was created for another worker (Role::candidate)
  guard = 5,                // a guard of the transition failed (`guard` names it)
  not_opted_in = 6,         // the party in `role` has not opted into it (role_opt_in.h)
  lost_race = 7,            // a concurrent change won; the transition may be tried again
  other = 8,                // anything else (funds, bounds, storage): read the Status
};

const char* refusal_kind_name(RefusalKind kind);

struct RefusalExplanation {
  RefusalKind kind = RefusalKind::other;
  std::string transition;                   // the transition (or group) that was refused
  std::string state;                        // the job's state as given
  std::vector<std::string> allowed_states;  // the states it fires from (a group: all members')
  std::vector<Role> roles;                  // the roles that may fire it (a group: all members')
  std::optional<Guard> guard;               // kind guard (or a guard's not_opted_in): the guard
  std::optional<Role> role;                 // kind not_opted_in: the role not accepted
  std::string detail;                       // the refusal's detail, as given
};

// Explains `refusal`, returned for firing `transition` (a transition or group name; the
// creation's name for Engine::create_job) on `job`. Pass the job as re-read after the refusal:
// a lost race is then explained by the state that won. A guard is found by the detail it
// refuses with (guard_refusal_details), the first matching guard of the transition (or of the
// group's members, in order); a custom guard's own detail maps to the transition's first
// custom guard when no built-in guard matches.
RefusalExplanation explain_refusal(const LifecycleDefinition& lifecycle, const Job& job,
                                   std::string_view transition, const Status& refusal);

// The stable details a failing guard of `kind` refuses with ("deadline_passed" for
// before_deadline, "expired" for before_expiry, ...); empty for custom guards, whose details
// are the host's.
std::vector<std::string> guard_refusal_details(const Guard& guard);

}  // namespace mc
