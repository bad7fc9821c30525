// Scenario: the AACP market (seed 003) through the Engine — create (OPEN, unfunded), fund
// (escrow + client and evaluator stakes), offer and provider pick (provider stake), submit,
// evaluate (2 % platform + 3 % evaluator, the rest to the provider), the 48 h dispute window
// closing into SETTLED_*, and every exit: expiry of an unfunded or funded job at its
// deadline, claimRefund by anyone past the deadline, rejection, an evaluator who never
// decides, disputes judged both ways (deposit and stakes) and the arbitration fallback. The
// ledger is verified after every step.
#include <doctest/doctest.h>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

constexpr int64_t kUsdc = 1'000'000;
constexpr int64_t kBudget = 100 * kUsdc;
constexpr int64_t kDeadlineMs = mc::scenario::kStartMs + 7 * mc::kMillisecondsPerDay;

struct Cast {
  explicit Cast(Scenario& s)
      : client(s.party({.available_minor = 1000 * kUsdc, .stake_minor = 100 * kUsdc})),
        provider(s.party({.stake_minor = 200 * kUsdc})),
        evaluator(s.party(
            {.stake_minor = 100 * kUsdc, .profile_json = R"({"accepts_roles":["evaluator"]})"})),
        stranger(s.party()) {}
  mc::PartyId client, provider, evaluator, stranger;
};

mc::Job open_job(Scenario& s, const Cast& cast) {
  const mc::Job job = s.create({.poster_id = cast.client,
                                .amount_minor = kBudget,
                                .evaluator_id = cast.evaluator,
                                .category = "PROGRAM",
                                .deadline_at_ms = kDeadlineMs});
  CHECK(job.state == "OPEN");
  CHECK(s.available(cast.client) == 1000 * kUsdc);  // nothing funded yet
  return job;
}

// Creates, funds, picks the provider from its offer and submits a deliverable.
mc::Job submitted_job(Scenario& s, const Cast& cast) {
  const mc::Job job = open_job(s, cast);
  CHECK(s.fire_ok(job.id, "fund", cast.client).state == "FUNDED");
  CHECK(s.available(cast.client) == 900 * kUsdc);
  CHECK(s.balances(cast.client).stake_locked_minor == 5 * kUsdc);
  CHECK(s.balances(cast.evaluator).stake_locked_minor == 10 * kUsdc);
  REQUIRE(s.engine->submit_offer({.job_id = job.id, .party_id = cast.provider}).ok());
  mc::FireTransition pick{.job_id = job.id, .transition = "set_provider", .actor_id = cast.client};
  pick.worker_id = cast.provider;
  const mc::Job picked = s.fire_ok(pick);
  CHECK(picked.worker_id == cast.provider);
  pick.worker_id = s.party();
  CHECK(s.fire(pick).status().detail() == "worker_already_set");
  mc::FireTransition submit{.job_id = job.id, .transition = "submit", .actor_id = cast.provider};
  submit.proof_json = R"({"deliverableHash":"0xabc"})";
  const mc::Job after = s.fire_ok(submit);
  CHECK(after.state == "SUBMITTED");
  CHECK(s.balances(cast.provider).stake_locked_minor == 10 * kUsdc);
  return job;
}

void check_stakes_released(Scenario& s, const Cast& cast) {
  for (mc::PartyId party : {cast.client, cast.provider, cast.evaluator}) {
    CHECK(s.balances(party).stake_locked_minor == 0);
  }
}

mc::Job resolve(Scenario& s, mc::JobId job, const char* transition) {
  mc::FireTransition request{.job_id = job, .transition = transition};
  request.as_platform = true;
  return s.fire_ok(request);
}

}  // namespace

TEST_CASE("scenario aacp: fund, pick, submit, complete; the window closes after 48 h") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = submitted_job(s, cast);
  s.fire_refused(job.id, "complete", cast.client, "role_not_allowed");
  CHECK(s.fire_ok(job.id, "complete", cast.evaluator).state == "COMPLETED");
  CHECK(s.available(cast.provider) == 95 * kUsdc);
  CHECK(s.available(cast.evaluator) == 3 * kUsdc);
  s.advance_ms(48 * mc::kMillisecondsPerHour);
  CHECK(s.job(job.id).state == "SETTLED_COMPLETED");
  check_stakes_released(s, cast);
  CHECK(s.balances(cast.client).stake_minor == 100 * kUsdc);
  s.fire_refused(job.id, "dispute", cast.client, "wrong_state");
}

TEST_CASE("scenario aacp: unfunded and funded jobs expire at the deadline") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job unfunded = open_job(s, cast);
  const mc::Job funded = open_job(s, cast);
  s.fire_ok(funded.id, "fund", cast.client);
  s.advance_ms(kDeadlineMs - mc::scenario::kStartMs);
  CHECK(s.job(unfunded.id).state == "EXPIRED");
  CHECK(s.job(funded.id).state == "EXPIRED");
  CHECK(s.available(cast.client) == 1000 * kUsdc);
  check_stakes_released(s, cast);
}

TEST_CASE("scenario aacp: anyone may claim the refund past the deadline, never before") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = open_job(s, cast);
  s.fire_ok(job.id, "fund", cast.client);
  s.fire_refused(job.id, "claim_refund", cast.stranger, "deadline_not_reached");
  s.clock->set_ms(kDeadlineMs);  // the clock moves; the timer has not run yet
  CHECK(s.fire_ok(job.id, "claim_refund", cast.stranger).state == "EXPIRED");
  CHECK(s.available(cast.client) == 1000 * kUsdc);
  check_stakes_released(s, cast);
  s.advance_ms(0);  // the stale timer is dropped
  s.verify();
}

TEST_CASE("scenario aacp: rejected, the provider disputes and the verdict favours it") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = submitted_job(s, cast);
  CHECK(s.fire_ok(job.id, "reject", cast.evaluator).state == "REJECTED");
  CHECK(s.available(cast.client) == 1000 * kUsdc);  // the budget is refunded
  s.engine
      ->deposit({.market_id = s.market.id, .party_id = cast.provider, .amount_minor = 5 * kUsdc})
      .status()
      .ignore();
  s.advance_ms(47 * mc::kMillisecondsPerHour);
  CHECK(s.fire_ok(job.id, "dispute", cast.provider).state == "DISPUTED");
  CHECK(s.available(cast.provider) == 0);  // deposit: 5 % of 100 USDC, at least 5 USDC
  CHECK(resolve(s, job.id, "resolve_for_worker").state == "ARBITRATED");
  CHECK(s.available(cast.provider) == 5 * kUsdc + 5 * kUsdc);  // deposit back + client stake
  CHECK(s.balances(cast.client).stake_minor == 95 * kUsdc);
  check_stakes_released(s, cast);
}

TEST_CASE("scenario aacp: completed, the client disputes through judges and wins") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = submitted_job(s, cast);
  s.fire_ok(job.id, "complete", cast.evaluator);
  mc::Result<mc::Dispute> dispute = s.engine->open_dispute(job.id, cast.client, "bad output");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  s.verify();
  CHECK(s.job(job.id).state == "DISPUTED");
  CHECK(s.available(cast.client) == 895 * kUsdc);
  for (int judge = 0; judge < 2; ++judge) {
    const mc::PartyId id = s.party({.reputation = 90});
    REQUIRE(s.engine->join_dispute(dispute->id, id).ok());
    REQUIRE(s.engine->cast_vote(dispute->id, id, "poster").ok());
    s.verify();
  }
  CHECK(s.job(job.id).state == "ARBITRATED");
  CHECK(s.available(cast.client) == 900 * kUsdc + 10 * kUsdc);  // deposit + provider stake
  CHECK(s.balances(cast.provider).stake_minor == 190 * kUsdc);
  check_stakes_released(s, cast);
}

TEST_CASE("scenario aacp: the dispute window closes; an unjudged dispute falls back") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job closed = submitted_job(s, cast);
  s.fire_ok(closed.id, "complete", cast.evaluator);
  s.advance_ms(48 * mc::kMillisecondsPerHour);
  CHECK(s.job(closed.id).state == "SETTLED_COMPLETED");
  check_stakes_released(s, cast);
  const Cast other(s);
  const mc::Job disputed = submitted_job(s, other);
  s.fire_ok(disputed.id, "reject", other.evaluator);
  s.engine
      ->deposit({.market_id = s.market.id, .party_id = other.provider, .amount_minor = 5 * kUsdc})
      .status()
      .ignore();
  s.fire_ok(disputed.id, "dispute", other.provider);
  s.advance_ms(14 * mc::kMillisecondsPerDay);
  CHECK(s.job(disputed.id).state == "ARBITRATED");
  CHECK(s.available(other.provider) == 5 * kUsdc);  // deposit back, no stake moved
  CHECK(s.available(other.client) == 1000 * kUsdc);
  check_stakes_released(s, other);
}

TEST_CASE("scenario aacp: a rejected job no one disputes settles after 48 h") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = submitted_job(s, cast);
  s.fire_ok(job.id, "reject", cast.evaluator);
  s.advance_ms(48 * mc::kMillisecondsPerHour);
  CHECK(s.job(job.id).state == "SETTLED_REJECTED");
  check_stakes_released(s, cast);
  CHECK(s.available(cast.client) == 1000 * kUsdc);
}

TEST_CASE("scenario aacp: an evaluator who never decides pays with its stake") {
  Scenario s("aacp");
  const Cast cast(s);
  const mc::Job job = submitted_job(s, cast);
  s.advance_ms(kDeadlineMs - mc::scenario::kStartMs + 72 * mc::kMillisecondsPerHour);
  CHECK(s.job(job.id).state == "EXPIRED");
  CHECK(s.available(cast.client) == 1000 * kUsdc);
  CHECK(s.available(cast.provider) == 10 * kUsdc);  // the evaluator's slashed stake
  CHECK(s.balances(cast.evaluator).stake_minor == 90 * kUsdc);
  check_stakes_released(s, cast);
}
