// explain_refusal (marketcore/refusal.h): every refusal the engine produces on the built-in
// lifecycles, fired through mc::Engine, is explained from the lifecycle — the state, the role,
// the named worker, the guard or the opt-in that failed — so a dialect maps it with a table.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "marketcore/clock.h"
#include "marketcore/refusal.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

// Fires and explains the refusal against the job as re-read afterwards, as a dialect would.
mc::RefusalExplanation refuse(Scenario& s, mc::FireTransition request) {
  const mc::Result<mc::JobOutcome> fired = s.engine->fire(request);
  REQUIRE_FALSE(fired.ok());
  const mc::Job now = s.job(request.job_id);
  const mc::LifecycleDefinition lifecycle = s.engine->lifecycle(now.lifecycle).value();
  return mc::explain_refusal(lifecycle, now, request.transition, fired.status());
}

mc::RefusalExplanation refuse(Scenario& s, mc::JobId job, std::string transition,
                              std::optional<mc::PartyId> actor) {
  return refuse(s, {.job_id = job, .transition = std::move(transition), .actor_id = actor});
}

mc::CreateJob j0_job(mc::PartyId poster) {
  return {.poster_id = poster,
          .amount_minor = 10,
          .prompt = "Summarize",
          .category = "opus",
          .work_timeout_ms = 30 * mc::kMillisecondsPerSecond};
}

// What a dialect's table looks like: j0's wording keyed by the explanation, no job re-reading
// or restated rules.
std::string j0_wording(const mc::RefusalExplanation& why) {
  using Kind = mc::RefusalKind;
  if (why.kind == Kind::role_not_allowed) {
    static const std::map<std::string, std::string> by_transition = {
        {"accept", "Cannot accept your own job"},
        {"complete", "Not the assigned worker"},
        {"cancel", "Not the requester"}};
    return by_transition.at(why.transition);
  }
  if (why.kind == Kind::guard && why.guard->kind == mc::GuardKind::before_expiry) {
    return "Job timeout expired";
  }
  if (why.kind == Kind::wrong_state) {
    static const std::map<std::pair<std::string, std::string>, std::string> by_state = {
        {{"accept", "accepted"}, "Job already accepted"},
        {{"accept", "completed"}, "Job already accepted"},
        {{"accept", "cancelled"}, "Job was cancelled"},
        {{"complete", "completed"}, "Job already completed"},
        {{"cancel", "accepted"}, "Job already accepted (cannot cancel)"}};
    auto found = by_state.find({why.transition, why.state});
    return found == by_state.end() ? "Job is no longer open (status: " + why.state + ")"
                                   : found->second;
  }
  return "";
}

}  // namespace

TEST_CASE("refusal: j0 refusals name the state, the role or the guard that failed") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::PartyId worker = s.party();
  const mc::PartyId late = s.party();
  const mc::Job job = s.create(j0_job(poster));

  const mc::RefusalExplanation own = refuse(s, job.id, "accept", poster);
  CHECK(own.kind == mc::RefusalKind::role_not_allowed);
  CHECK(own.roles == std::vector<mc::Role>{mc::Role::candidate});
  CHECK(own.allowed_states == std::vector<std::string>{"posted"});
  CHECK(own.state == "posted");
  CHECK(j0_wording(own) == "Cannot accept your own job");

  s.fire_ok(job.id, "accept", worker);
  const mc::RefusalExplanation taken = refuse(s, job.id, "accept", late);
  CHECK(taken.kind == mc::RefusalKind::wrong_state);
  CHECK(taken.state == "accepted");
  CHECK(taken.detail == "wrong_state");
  CHECK(j0_wording(taken) == "Job already accepted");

  const mc::RefusalExplanation not_worker = refuse(s, job.id, "complete", late);
  CHECK(not_worker.kind == mc::RefusalKind::role_not_allowed);
  CHECK(not_worker.roles == std::vector<mc::Role>{mc::Role::worker});
  CHECK(j0_wording(not_worker) == "Not the assigned worker");

  const mc::RefusalExplanation cancel = refuse(s, job.id, "cancel", poster);
  CHECK(j0_wording(cancel) == "Job already accepted (cannot cancel)");

  // The work timeout ran out but the timer has not fired yet: the guard answers.
  s.clock->advance_ms(31 * mc::kMillisecondsPerSecond);
  const mc::RefusalExplanation late_result = refuse(s, job.id, "complete", worker);
  CHECK(late_result.kind == mc::RefusalKind::guard);
  REQUIRE(late_result.guard.has_value());
  CHECK(late_result.guard->kind == mc::GuardKind::before_expiry);
  CHECK(late_result.detail == "expired");
  CHECK(j0_wording(late_result) == "Job timeout expired");

  const mc::RefusalExplanation unknown = refuse(s, job.id, "fly", worker);
  CHECK(unknown.kind == mc::RefusalKind::unknown_transition);
}

TEST_CASE("refusal: a lost race is explained by the state that won") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::Job job = s.create(j0_job(poster));
  const mc::LifecycleDefinition lifecycle = mc::j0_lifecycle();
  const mc::Status lost = mc::aborted("job_state_changed", "a concurrent call won");
  CHECK(mc::explain_refusal(lifecycle, s.job(job.id), "accept", lost).kind ==
        mc::RefusalKind::lost_race);
  s.fire_ok(job.id, "accept", s.party());
  const mc::RefusalExplanation after =
      mc::explain_refusal(lifecycle, s.job(job.id), "accept", lost);
  CHECK(after.kind == mc::RefusalKind::wrong_state);
  CHECK(after.state == "accepted");
  CHECK(mc::explain_refusal(lifecycle, s.job(job.id), "accept", mc::ok_status()).kind ==
        mc::RefusalKind::none);
}

TEST_CASE("refusal: HumanOps guards — KYC, deadline, a verifier group without confidence") {
  Scenario s("humanops");
  const mc::PartyId agent = s.party({.available_minor = 10'000});
  const mc::PartyId unverified = s.party({.kyc_status = "PENDING"});
  const mc::PartyId operator_id = s.party();
  const mc::Job job =
      s.create({.poster_id = agent,
                .amount_minor = 2500,
                .title = "Photo",
                .category = "VERIFICATION",
                .deadline_at_ms = mc::scenario::kStartMs + mc::kMillisecondsPerDay});
  const mc::RefusalExplanation kyc = refuse(s, job.id, "accept", unverified);
  CHECK(kyc.kind == mc::RefusalKind::guard);
  REQUIRE(kyc.guard.has_value());
  CHECK(kyc.guard->kind == mc::GuardKind::actor_kyc_verified);

  s.fire_ok(job.id, "accept", operator_id);
  mc::FireTransition submit{.job_id = job.id, .transition = "submit", .actor_id = operator_id};
  submit.proof_json = R"({"photos":[]})";
  s.fire_ok(submit);
  const mc::RefusalExplanation verify = refuse(s, {.job_id = job.id, .transition = "verify"});
  CHECK(verify.kind == mc::RefusalKind::guard);
  REQUIRE(verify.guard.has_value());
  CHECK(verify.guard->kind == mc::GuardKind::confidence_at_least);
  CHECK(verify.allowed_states == std::vector<std::string>{"SUBMITTED"});
  CHECK(verify.roles == std::vector<mc::Role>{mc::Role::system, mc::Role::platform});

  const mc::Job second = s.create({.poster_id = agent,
                                   .amount_minor = 2500,
                                   .title = "Photo",
                                   .category = "VERIFICATION",
                                   .deadline_at_ms = s.clock->now_ms() + mc::kMillisecondsPerHour});
  s.clock->advance_ms(mc::kMillisecondsPerHour);  // the deadline passed; the timer not yet run
  const mc::RefusalExplanation late = refuse(s, second.id, "accept", operator_id);
  CHECK(late.kind == mc::RefusalKind::guard);
  REQUIRE(late.guard.has_value());
  CHECK(late.guard->kind == mc::GuardKind::before_deadline);
}

TEST_CASE("refusal: a task created for another agent, and an evaluator not opted in") {
  Scenario market("agentmarket");
  const mc::PartyId hirer = market.party({.available_minor = 100});
  const mc::PartyId hired = market.party();
  const mc::Job task = market.create(
      {.poster_id = hirer, .amount_minor = 10, .worker_id = hired, .title = "Direct"});
  const mc::RefusalExplanation reserved = refuse(market, task.id, "accept", market.party());
  CHECK(reserved.kind == mc::RefusalKind::not_assigned_worker);
  CHECK(reserved.roles == std::vector<mc::Role>{mc::Role::candidate});

  Scenario s("aacp");
  const mc::PartyId client = s.party({.available_minor = 1000'000'000, .stake_minor = 100'000'000});
  const mc::PartyId evaluator =
      s.party({.stake_minor = 100'000'000, .profile_json = R"({"accepts_roles":["evaluator"]})"});
  const mc::PartyId stranger = s.party({.stake_minor = 100'000'000});
  mc::CreateJob request{.market_id = s.market.id,
                        .poster_id = client,
                        .amount_minor = 100'000'000,
                        .evaluator_id = stranger,
                        .category = "PROGRAM"};
  const mc::Status at_creation = s.engine->create_job(request).status();
  mc::Job unborn;
  unborn.evaluator_id = stranger;
  const mc::RefusalExplanation named =
      mc::explain_refusal(mc::aacp_lifecycle(), unborn, "create", at_creation);
  CHECK(named.kind == mc::RefusalKind::not_opted_in);
  CHECK(named.role == mc::Role::evaluator);
  REQUIRE(named.guard.has_value());
  CHECK(named.guard->kind == mc::GuardKind::party_opted_into_role);

  request.evaluator_id = evaluator;
  const mc::Job job = s.create(request);
  mc::Party opted_out = s.engine->party(evaluator).value();
  opted_out.profile_json = "{}";
  REQUIRE(s.engine->update_party(opted_out).ok());
  const mc::RefusalExplanation lock = refuse(s, job.id, "fund", client);
  CHECK(lock.kind == mc::RefusalKind::not_opted_in);
  CHECK(lock.role == mc::Role::evaluator);
  CHECK_FALSE(lock.guard.has_value());  // the engine's consent rule for lock_stake
}

TEST_CASE("refusal: a host guard's own detail names the custom guard; funds are not a guard") {
  mc::LifecycleDefinition lifecycle;
  lifecycle.name = "gated";
  lifecycle.states = {{"open"}, {"done", true}};
  lifecycle.creation = {.name = "create", .to = "open", .roles = {mc::Role::poster}};
  lifecycle.transitions = {{.name = "take",
                            .from = {"open"},
                            .to = "done",
                            .roles = {mc::Role::candidate},
                            .guards = {{.kind = mc::GuardKind::before_deadline},
                                       {.kind = mc::GuardKind::custom, .name = "gate"}},
                            .effects = {{.kind = mc::EffectKind::pay_worker}}}};
  mc::Job job;
  job.state = "open";
  const mc::RefusalExplanation host = mc::explain_refusal(
      lifecycle, job, "take", mc::failed_precondition("blocked_by_host", "closed today"));
  CHECK(host.kind == mc::RefusalKind::guard);
  REQUIRE(host.guard.has_value());
  CHECK(host.guard->name == "gate");
  const mc::RefusalExplanation deadline = mc::explain_refusal(
      lifecycle, job, "take", mc::failed_precondition("deadline_passed", "late"));
  REQUIRE(deadline.guard.has_value());
  CHECK(deadline.guard->kind == mc::GuardKind::before_deadline);
  const mc::RefusalExplanation funds = mc::explain_refusal(
      lifecycle, job, "take", mc::failed_precondition("insufficient_funds", "poor"));
  CHECK(funds.kind == mc::RefusalKind::other);
  CHECK_FALSE(funds.guard.has_value());
  CHECK(std::string(mc::refusal_kind_name(mc::RefusalKind::not_assigned_worker)) ==
        "not_assigned_worker");
}
