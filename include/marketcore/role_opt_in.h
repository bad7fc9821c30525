// marketcore/role_opt_in.h — a party's consent to be named in a role by someone else.
//
// Some roles carry a risk that another party's action triggers: AACP's `fund`, fired by the
// client, locks the *evaluator's* stake, which `evaluator_timeout` may later slash. The engine
// lets a transition lock the stake of the party in a role only when that party is the actor or
// has opted into the role beforehand (EffectKind::lock_stake), and
// GuardKind::party_opted_into_role checks the same consent earlier (AACP: at job creation).
//
// The consent lives in the party's profile_json under the key "accepts_roles": an array of
// role names as role_name() spells them, e.g. {"accepts_roles":["evaluator"]}. A dialect
// writes it when the party opts in (AACP: an agent registered with "evaluator": true) and
// removes it to opt out; the engine reads it inside each write transaction, so an opt-out
// takes effect for every later lock.
//
// Thread-safety: pure functions.
//
// Example:
//   mc::Party evaluator{.market_id = market.id, .kind = "agent",
//                       .profile_json = R"({"accepts_roles":["evaluator"]})"};
//   bool ok = mc::party_accepts_role(evaluator, mc::Role::evaluator);  // true
#pragma once

#include <string>

#include "marketcore/lifecycle.h"
#include "marketcore/party.h"

namespace mc {

// The profile_json key holding the roles a party accepts being named in.
inline constexpr const char* kAcceptsRolesKey = "accepts_roles";

// True when party.profile_json holds an "accepts_roles" array listing role_name(role).
// False for any other shape (missing key, not an array, invalid JSON).
bool party_accepts_role(const Party& party, Role role);

// The stable detail of a refusal for a party that has not opted into `role`:
// "<role name>_not_opted_in", e.g. "evaluator_not_opted_in".
std::string not_opted_in_detail(Role role);

}  // namespace mc
