// explain_refusal, guard_refusal_details and job_as_seen_by (marketcore/refusal.h,
// marketcore/lifecycle.h) as pure functions of a definition, a job and a Status: every refusal
// kind, a transition group, the opt-in suffix, details the engine owns versus a host guard's,
// and each field cut for a viewer who is not granted it (text previews by code point, JSON
// fields emptied, the payload as "{}").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "marketcore/job.h"
#include "marketcore/lifecycle.h"
#include "marketcore/refusal.h"
#include "marketcore/role_opt_in.h"

namespace {

using mc::Code;
using mc::GuardKind;
using mc::RefusalKind;
using mc::Role;

// A lifecycle with a guarded group ("decide": approve | reject), a custom guard, an opt-in
// guard and field visibility.
mc::LifecycleDefinition review() {
  mc::LifecycleDefinition def;
  def.name = "review";
  def.states = {{"open"}, {"done", true}};
  def.creation = {.name = "create", .to = "open", .roles = {Role::poster}};
  def.transitions = {
      {.name = "approve",
       .from = {"open"},
       .to = "done",
       .roles = {Role::evaluator},
       .guards = {{.kind = GuardKind::confidence_at_least, .value = 90}},
       .group = "decide"},
      {.name = "reject",
       .from = {"open"},
       .to = "done",
       .roles = {Role::evaluator, Role::platform},
       .guards = {{.kind = GuardKind::custom, .name = "host_rule"},
                  {.kind = GuardKind::party_opted_into_role, .role = Role::evaluator}},
       .group = "decide"},
      {.name = "close", .from = {"open"}, .to = "done", .roles = {Role::system}}};
  def.timers = {{.state = "open", .transition = "close", .after_ms = 1000}};
  def.visibility = {
      {.field = mc::JobField::prompt, .full_view = {Role::worker}, .preview_chars = 3},
      {.field = mc::JobField::description, .full_view = {Role::evaluator}},
      {.field = mc::JobField::result, .full_view = {Role::poster}},
      {.field = mc::JobField::proof, .full_view = {Role::anyone}},
      {.field = mc::JobField::verdict, .full_view = {Role::poster}, .preview_chars = 5},
      {.field = mc::JobField::payload, .full_view = {Role::platform}}};
  return def;
}

mc::Job open_job() {
  mc::Job job;
  job.state = "open";
  job.poster_id = 1;
  job.worker_id = 2;
  job.evaluator_id = 3;
  return job;
}

mc::RefusalExplanation explain(std::string_view transition, mc::Status refusal,
                               std::string state = "open") {
  mc::Job job = open_job();
  job.state = std::move(state);
  return mc::explain_refusal(review(), job, transition, refusal);
}

}  // namespace

TEST_CASE("explain_refusal: each kind from the definition alone") {
  REQUIRE(mc::validate_lifecycle(review()).ok());
  CHECK(explain("approve", mc::ok_status()).kind == RefusalKind::none);
  CHECK(explain("fly", mc::Status(Code::not_found, "transition_not_found", "x")).kind ==
        RefusalKind::unknown_transition);
  CHECK(explain("fly", mc::Status(Code::unavailable, "disk_full", "x")).kind == RefusalKind::other);

  // A group: its members' states and roles, a member's guard named by its detail.
  const mc::RefusalExplanation group =
      explain("decide", mc::failed_precondition("confidence_too_low", "x"));
  CHECK(group.kind == RefusalKind::guard);
  REQUIRE(group.guard);
  CHECK(group.guard->kind == GuardKind::confidence_at_least);
  CHECK(group.allowed_states == std::vector<std::string>{"open"});
  CHECK(group.roles == std::vector<Role>{Role::evaluator, Role::platform});
  CHECK(explain("create", mc::failed_precondition("wrong_state", "x")).allowed_states.empty());

  // A concurrent change: a race when the transition fires from the state, else wrong_state.
  CHECK(explain("approve", mc::failed_precondition("job_state_changed", "x")).kind ==
        RefusalKind::lost_race);
  CHECK(explain("approve", mc::failed_precondition("job_state_changed", "x"), "done").kind ==
        RefusalKind::wrong_state);
  CHECK(explain("approve", mc::permission_denied("role_not_allowed", "x")).kind ==
        RefusalKind::role_not_allowed);
  CHECK(explain("approve", mc::permission_denied("not_assigned_worker", "x")).kind ==
        RefusalKind::not_assigned_worker);

  // The opt-in suffix names the role and the guard that asked for it.
  const mc::RefusalExplanation opt_in =
      explain("reject", mc::permission_denied(mc::not_opted_in_detail(Role::evaluator), "x"));
  CHECK(opt_in.kind == RefusalKind::not_opted_in);
  CHECK(opt_in.role == Role::evaluator);
  REQUIRE(opt_in.guard);
  CHECK(opt_in.guard->kind == GuardKind::party_opted_into_role);
  const mc::RefusalExplanation stranger =
      explain("approve", mc::permission_denied("wizard_not_opted_in", "x"));
  CHECK(stranger.kind == RefusalKind::not_opted_in);
  CHECK_FALSE(stranger.role);
  CHECK_FALSE(stranger.guard);
  CHECK(explain("approve", mc::permission_denied("_not_opted_in", "x")).kind == RefusalKind::other);

  // A host guard's own detail names the custom guard; the engine's details and other codes
  // never do.
  const mc::RefusalExplanation host = explain("reject", mc::invalid_argument("too_late", "x"));
  CHECK(host.kind == RefusalKind::guard);
  CHECK(host.guard->name == "host_rule");
  CHECK(explain("reject", mc::failed_precondition("insufficient_funds", "x")).kind ==
        RefusalKind::other);
  CHECK(explain("reject", mc::Status(Code::unavailable, "too_late", "x")).kind ==
        RefusalKind::other);
  CHECK(explain("approve", mc::invalid_argument("too_late", "x")).kind == RefusalKind::other);
}

TEST_CASE("explain_refusal: every kind and guard has its name and details") {
  const std::vector<std::pair<RefusalKind, std::string>> names = {
      {RefusalKind::none, "none"},
      {RefusalKind::unknown_transition, "unknown_transition"},
      {RefusalKind::wrong_state, "wrong_state"},
      {RefusalKind::role_not_allowed, "role_not_allowed"},
      {RefusalKind::not_assigned_worker, "not_assigned_worker"},
      {RefusalKind::guard, "guard"},
      {RefusalKind::not_opted_in, "not_opted_in"},
      {RefusalKind::lost_race, "lost_race"},
      {RefusalKind::other, "other"}};
  for (const auto& [kind, name] : names) CHECK(mc::refusal_kind_name(kind) == name);
  CHECK(mc::refusal_kind_name(static_cast<RefusalKind>(99)) == std::string("unknown"));

  auto details = [](GuardKind kind) { return mc::guard_refusal_details({.kind = kind}); };
  using V = std::vector<std::string>;
  CHECK(details(GuardKind::before_deadline) == V{"deadline_passed"});
  CHECK(details(GuardKind::after_deadline) == V{"deadline_not_reached"});
  CHECK(details(GuardKind::before_expiry) == V{"expired"});
  CHECK(details(GuardKind::confidence_below) == V{"confidence_too_high", "confidence_required"});
  CHECK(details(GuardKind::contracts_available) == V{"no_contracts_available"});
  CHECK(details(GuardKind::actor_kyc_verified) == V{"kyc_required", "actor_required"});
  CHECK(details(GuardKind::actor_has_capability) == V{"capability_mismatch", "actor_required"});
  CHECK(details(GuardKind::actor_reputation_at_least) == V{"reputation_too_low", "actor_required"});
  CHECK(details(GuardKind::no_active_children) == V{"active_children"});
  CHECK(details(GuardKind::custom).empty());
  CHECK(details(GuardKind::parent_in_state) == V{"parent_wrong_state", "no_parent_job"});
  CHECK(details(GuardKind::actor_tier_allows_amount) == V{"tier_too_low", "actor_required"});
  CHECK(mc::guard_refusal_details({.kind = GuardKind::party_opted_into_role,
                                   .role = Role::judge}) == V{"judge_not_opted_in"});
  CHECK(details(static_cast<GuardKind>(99)).empty());
}

TEST_CASE("visibility: each field cut for a viewer without it, by role") {
  mc::Job job = open_job();
  job.prompt = "h\xc3\xa9llo world";  // "héllo world": the preview counts code points
  job.description = "secret description";
  job.result_text = "the result";
  job.proof_json = R"({"url":"x"})";
  job.verdict_json = R"({"passed":true})";
  job.payload_json = R"({"k":1})";
  const mc::LifecycleDefinition def = review();

  const mc::Job stranger = mc::job_as_seen_by(def, job, mc::JobViewer::of_party(99));
  CHECK(stranger.prompt == "h\xc3\xa9l");
  CHECK(stranger.description.empty());
  CHECK(stranger.result_text.empty());
  CHECK(stranger.proof_json == job.proof_json);  // anyone
  CHECK(stranger.verdict_json.empty());          // JSON is never previewed
  CHECK(stranger.payload_json == "{}");
  CHECK(mc::is_redacted(stranger, mc::JobField::prompt));
  CHECK_FALSE(mc::is_redacted(stranger, mc::JobField::proof));
  CHECK(stranger.redacted_fields.size() == 5);

  const mc::Job worker = mc::job_as_seen_by(def, job, mc::JobViewer::of_party(2));
  CHECK(worker.prompt == job.prompt);
  CHECK(worker.description.empty());
  const mc::Job evaluator = mc::job_as_seen_by(def, job, mc::JobViewer::of_party(3));
  CHECK(evaluator.description == job.description);
  CHECK(evaluator.prompt == "h\xc3\xa9l");
  const mc::Job poster = mc::job_as_seen_by(def, job, mc::JobViewer::of_party(1));
  CHECK(poster.result_text == job.result_text);
  CHECK(poster.verdict_json == job.verdict_json);
  const mc::Job platform = mc::job_as_seen_by(def, job, mc::JobViewer::of_platform());
  CHECK(platform.payload_json == job.payload_json);
  CHECK(platform.redacted_fields.empty());
  // Nobody in particular, on a job without worker or evaluator: no role is matched.
  mc::Job unassigned = job;
  unassigned.worker_id.reset();
  unassigned.evaluator_id.reset();
  const mc::Job anonymous = mc::job_as_seen_by(def, unassigned, mc::JobViewer{});
  CHECK(anonymous.description.empty());
  CHECK(mc::job_as_seen_by(def, unassigned, mc::JobViewer::of_party(2)).prompt == "h\xc3\xa9l");
  // Already redacted fields are listed once.
  const mc::Job twice = mc::job_as_seen_by(def, stranger, mc::JobViewer::of_party(99));
  CHECK(twice.redacted_fields.size() == 5);

  for (mc::JobField field : {mc::JobField::prompt, mc::JobField::description, mc::JobField::result,
                             mc::JobField::proof, mc::JobField::verdict, mc::JobField::payload}) {
    CHECK(std::string(mc::job_field_name(field)) != "unknown");
  }
  CHECK(std::string(mc::job_field_name(static_cast<mc::JobField>(99))) == "unknown");
  CHECK(std::string(mc::role_name(static_cast<Role>(99))) == "unknown");
}

TEST_CASE("role opt-in: read from the profile's accepts_roles") {
  mc::Party party;
  party.profile_json = R"({"accepts_roles":["judge","evaluator"]})";
  CHECK(mc::party_accepts_role(party, Role::evaluator));
  CHECK_FALSE(mc::party_accepts_role(party, Role::worker));
  party.profile_json = R"({"accepts_roles":[1,"worker"]})";
  CHECK(mc::party_accepts_role(party, Role::worker));
  party.profile_json = R"({"accepts_roles":"evaluator"})";
  CHECK_FALSE(mc::party_accepts_role(party, Role::evaluator));
  party.profile_json = "not json";
  CHECK_FALSE(mc::party_accepts_role(party, Role::evaluator));
}
