// Tests of marketcore/lifecycle.h: every built-in definition validates and has the shape the
// seeds ask for; crafted broken definitions are refused with the rule that broke.
#include "marketcore/lifecycle.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "marketcore/clock.h"

namespace {

// A small valid lifecycle to break in each test.
mc::LifecycleDefinition gig() {
  mc::LifecycleDefinition def;
  def.name = "gig";
  def.states = {{"open"}, {"taken"}, {"done", true}, {"refunded", true}};
  def.creation = {.name = "create",
                  .to = "open",
                  .roles = {mc::Role::poster},
                  .effects = {{.kind = mc::EffectKind::fund_escrow}}};
  def.transitions = {
      {.name = "accept", .from = {"open"}, .to = "taken", .roles = {mc::Role::candidate}},
      {.name = "complete", .from = {"taken"}, .to = "done", .roles = {mc::Role::worker}},
      {.name = "expire", .from = {"open", "taken"}, .to = "refunded", .roles = {mc::Role::system}}};
  def.timers = {{.state = "open", .transition = "expire", .after_ms = 1000},
                {.state = "taken", .transition = "expire", .after_ms = 1000}};
  return def;
}

void check_refused(const mc::LifecycleDefinition& def, const std::string& detail) {
  const mc::Status status = mc::validate_lifecycle(def);
  CHECK(status.code() == mc::Code::invalid_argument);
  CHECK_MESSAGE(status.detail() == detail, status.to_string());
}

}  // namespace

TEST_CASE("lifecycle: every built-in definition validates") {
  std::set<std::string> names;
  for (const mc::LifecycleDefinition* def : mc::builtin_lifecycles()) {
    CAPTURE(def->name);
    const mc::Status status = mc::validate_lifecycle(*def);
    CHECK_MESSAGE(status.ok(), status.to_string());
    names.insert(def->name);
  }
  CHECK(names == std::set<std::string>{"j0", "agentmarket", "humanops", "aacp", "mkt1337_lead",
                                       "mkt1337_contract"});
  CHECK(mc::validate_lifecycle(gig()).ok());
}

TEST_CASE("lifecycle: accessors and role names") {
  const mc::LifecycleDefinition& j0 = mc::j0_lifecycle();
  REQUIRE(j0.state("posted") != nullptr);
  CHECK_FALSE(j0.state("posted")->terminal);
  CHECK(j0.state("timeout")->terminal);
  CHECK(j0.state("nope") == nullptr);
  REQUIRE(j0.transition("accept") != nullptr);
  CHECK(j0.transition("accept")->to == "accepted");
  CHECK(j0.transition("nope") == nullptr);
  CHECK(std::string(mc::role_name(mc::Role::poster)) == "poster");
  CHECK(std::string(mc::role_name(mc::Role::anyone)) == "anyone");
  CHECK(std::string(mc::role_name(mc::Role::system)) == "system");
  CHECK(std::string(mc::role_name(static_cast<mc::Role>(99))) == "unknown");
}

TEST_CASE("lifecycle: the seeds' shapes") {
  const mc::LifecycleDefinition& j0 = mc::j0_lifecycle();
  CHECK(j0.creation.to == "posted");
  CHECK(j0.transition("expire")->to == "timeout");
  CHECK(j0.timers[0].after_ms == 7 * mc::kMillisecondsPerMinute);
  CHECK(j0.timers[1].base == mc::TimerBase::work_timeout);

  const mc::LifecycleDefinition& humanops = mc::humanops_lifecycle();
  int verify_group = 0;
  for (const mc::TransitionDef& transition : humanops.transitions) {
    if (transition.group == "verify") ++verify_group;
  }
  CHECK(verify_group == 3);
  CHECK(humanops.transition("verify_manual_review")->to == "SUBMITTED");
  CHECK(humanops.transition("verify_dispute")->to == "DISPUTED");
  CHECK(humanops.state("MANUAL_REVIEW") == nullptr);

  const mc::LifecycleDefinition& aacp = mc::aacp_lifecycle();
  CHECK_FALSE(aacp.state("COMPLETED")->terminal);  // the 48 h dispute window
  CHECK(aacp.transition("claim_refund")->roles[0] == mc::Role::anyone);
  CHECK(aacp.transition("set_provider")->records[0] == mc::Record::worker_from_request);

  const mc::LifecycleDefinition& contract = mc::mkt1337_contract_lifecycle();
  CHECK(contract.creation.effects[0].kind == mc::EffectKind::draw_from_parent);
  CHECK(contract.timers[2].base == mc::TimerBase::submitted);
  CHECK(contract.timers[2].after_ms == 72 * mc::kMillisecondsPerHour);
  CHECK(mc::mkt1337_lead_lifecycle().transition("cancel_funded")->guards[0].kind ==
        mc::GuardKind::no_active_children);
}

TEST_CASE("lifecycle: names must be present and unique") {
  mc::LifecycleDefinition def = gig();
  def.name.clear();
  check_refused(def, "name_empty");
  def = gig();
  def.states.push_back({"open"});
  check_refused(def, "duplicate_state");
  def = gig();
  def.transitions.push_back(def.transitions[0]);
  check_refused(def, "duplicate_transition");
  def = gig();
  def.transitions[0].name = "create";  // shares the creation's name
  check_refused(def, "duplicate_transition");
  def = gig();
  def.states.clear();
  check_refused(def, "no_states");
}

TEST_CASE("lifecycle: unknown states and transitions") {
  mc::LifecycleDefinition def = gig();
  def.transitions[0].to = "nowhere";
  check_refused(def, "unknown_state");
  def = gig();
  def.transitions[1].from = {"limbo"};
  check_refused(def, "unknown_state");
  def = gig();
  def.creation.to = "limbo";
  check_refused(def, "unknown_state");
  def = gig();
  def.timers[0].state = "limbo";
  check_refused(def, "unknown_state");
  def = gig();
  def.timers[0].transition = "vanish";
  check_refused(def, "unknown_transition");
  def = gig();
  def.creation.from = {"open"};
  check_refused(def, "creation_has_from");
  def = gig();
  def.transitions[0].from.clear();
  check_refused(def, "transition_without_from");
  def = gig();
  def.transitions[0].roles.clear();
  check_refused(def, "transition_without_roles");
}

TEST_CASE("lifecycle: terminal states have no outgoing transition") {
  mc::LifecycleDefinition def = gig();
  def.transitions.push_back(
      {.name = "reopen", .from = {"done"}, .to = "open", .roles = {mc::Role::poster}});
  check_refused(def, "terminal_has_transition");
  def = gig();
  def.timers.push_back({.state = "done", .transition = "expire", .after_ms = 1});
  check_refused(def, "timer_on_terminal_state");
}

TEST_CASE("lifecycle: every non-terminal state needs a timed exit that is always due") {
  mc::LifecycleDefinition def = gig();
  def.timers.pop_back();
  check_refused(def, "state_without_timed_exit");
  // A deadline timer alone does not count: the job may have no deadline.
  def.timers.push_back({.state = "taken", .transition = "expire", .base = mc::TimerBase::deadline});
  check_refused(def, "state_without_timed_exit");
  def.timers.back().base = mc::TimerBase::work_timeout;
  check_refused(def, "state_without_timed_exit");
  def.timers.back().base = mc::TimerBase::submitted;
  CHECK(mc::validate_lifecycle(def).ok());
}

TEST_CASE("lifecycle: a timer's transition must be the system's, from its state, unguarded") {
  mc::LifecycleDefinition def = gig();
  def.transitions[2].roles = {mc::Role::poster};
  check_refused(def, "timer_not_system");
  def = gig();
  def.transitions[2].from = {"open"};
  check_refused(def, "timer_wrong_state");
  def = gig();
  def.transitions[2].guards = {{.kind = mc::GuardKind::after_deadline}};
  check_refused(def, "timer_transition_guarded");
  def = gig();
  def.transitions.push_back(
      {.name = "stay", .from = {"open"}, .to = "open", .roles = {mc::Role::system}});
  def.timers[0].transition = "stay";
  check_refused(def, "timer_does_not_leave_state");
  def = gig();
  def.timers[0].after_ms = -1;
  check_refused(def, "timer_negative_delay");
}

TEST_CASE("lifecycle: field visibility is declared once per field, to grantable roles") {
  mc::LifecycleDefinition def = gig();
  def.visibility = {{.field = mc::JobField::prompt,
                     .full_view = {mc::Role::poster, mc::Role::worker},
                     .preview_chars = 100}};
  CHECK(mc::validate_lifecycle(def).ok());
  def.visibility.push_back({.field = mc::JobField::prompt, .full_view = {mc::Role::poster}});
  check_refused(def, "visibility_field_repeated");
  def.visibility = {{.field = mc::JobField::result, .preview_chars = -1}};
  check_refused(def, "visibility_preview_negative");
  def.visibility = {{.field = mc::JobField::result, .full_view = {mc::Role::candidate}}};
  check_refused(def, "visibility_role_not_grantable");
}
