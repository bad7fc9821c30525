// Scenario: the HumanOps market (seed 004) through the Engine — reward + 18 % fee escrowed,
// KYC-gated accept, start, proof, the verifier's three routes by confidence (≥ 90 complete,
// 50–89 manual review then the poster's verify, < 50 disputed), the 7-day settlement hold,
// and every exit: cancel from PENDING / ACCEPTED, expiry at the deadline from PENDING,
// ACCEPTED and IN_PROGRESS, auto-completion of an undecided proof after 7 days, dispute
// verdicts both ways and the 14-day dispute fallback. The ledger is verified after every step.
#include <doctest/doctest.h>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

constexpr int64_t kReward = 2500;  // $25.00
constexpr int64_t kEscrow = 2950;  // + 18 % fee
constexpr int64_t kDeadlineMs = mc::scenario::kStartMs + 3 * mc::kMillisecondsPerDay;

struct Cast {
  explicit Cast(Scenario& s)
      : agent(s.party({.available_minor = 10'000})), operator_id(s.party()) {}
  mc::PartyId agent;
  mc::PartyId operator_id;
};

mc::Job post(Scenario& s, const Cast& cast) {
  return s.create({.poster_id = cast.agent,
                   .amount_minor = kReward,
                   .title = "Verify storefront signage",
                   .description = "Take a photo of the storefront",
                   .category = "VERIFICATION",
                   .deadline_at_ms = kDeadlineMs});
}

// Posts, accepts, starts and submits a proof.
mc::Job submitted(Scenario& s, const Cast& cast) {
  const mc::Job job = post(s, cast);
  s.fire_ok(job.id, "accept", cast.operator_id);
  s.fire_ok(job.id, "start", cast.operator_id);
  mc::FireTransition submit{.job_id = job.id, .transition = "submit", .actor_id = cast.operator_id};
  submit.proof_json = R"({"photos":["https://r2.example/1.jpg"]})";
  const mc::Job after = s.fire_ok(submit);
  CHECK(after.state == "SUBMITTED");
  return after;
}

mc::Job verify(Scenario& s, mc::JobId job, int32_t confidence) {
  mc::FireTransition request{.job_id = job, .transition = "verify"};
  request.confidence = confidence;
  request.verdict_json = R"({"decision":"auto","confidence":)" + std::to_string(confidence) + "}";
  return s.fire_ok(request);
}

}  // namespace

TEST_CASE("scenario humanops: verifier ≥ 90 completes; earnings wait 7 days") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job pending = post(s, cast);
  CHECK(pending.state == "PENDING");
  CHECK(pending.fees.escrow_minor == kEscrow);
  CHECK(s.available(cast.agent) == 10'000 - kEscrow);
  const mc::PartyId unverified = s.party({.kyc_status = "PENDING"});
  s.fire_refused(pending.id, "accept", unverified, "kyc_required");
  const mc::Job job = submitted(s, cast);
  const mc::Job completed = verify(s, job.id, 95);
  CHECK(completed.state == "COMPLETED");
  CHECK(s.balances(cast.operator_id).pending_minor == kReward);
  CHECK(s.available(cast.operator_id) == 0);
  s.advance_ms(7 * mc::kMillisecondsPerDay);
  CHECK(s.balances(cast.operator_id).pending_minor == 0);
  CHECK(s.available(cast.operator_id) == kReward);
  CHECK(s.available(cast.agent) == 10'000 - kEscrow);
}

TEST_CASE("scenario humanops: 50–89 stays SUBMITTED for manual review; verify APPROVE pays") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job job = submitted(s, cast);
  const mc::Job review = verify(s, job.id, 89);
  CHECK(review.state == "SUBMITTED");
  CHECK(verify(s, job.id, 50).state == "SUBMITTED");
  s.fire_refused(job.id, "approve", cast.operator_id, "role_not_allowed");
  CHECK(s.fire_ok(job.id, "approve", cast.agent).state == "COMPLETED");
  CHECK(s.balances(cast.operator_id).pending_minor == kReward);
}

TEST_CASE("scenario humanops: verifier < 50 disputes; the platform resolves for the worker") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job job = submitted(s, cast);
  CHECK(verify(s, job.id, 49).state == "DISPUTED");
  s.fire_refused(job.id, "resolve_for_worker", cast.agent, "role_not_allowed");
  mc::FireTransition resolve{.job_id = job.id, .transition = "resolve_for_worker"};
  resolve.as_platform = true;
  CHECK(s.fire_ok(resolve).state == "COMPLETED");
  CHECK(s.balances(cast.operator_id).pending_minor == kReward);
}

TEST_CASE("scenario humanops: verify REJECT disputes; resolved for the poster, full refund") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job job = submitted(s, cast);
  CHECK(verify(s, job.id, 70).state == "SUBMITTED");
  CHECK(s.fire_ok(job.id, "reject", cast.agent).state == "DISPUTED");
  mc::FireTransition resolve{.job_id = job.id, .transition = "resolve_for_poster"};
  resolve.as_platform = true;
  CHECK(s.fire_ok(resolve).state == "CANCELLED");
  CHECK(s.available(cast.agent) == 10'000);
  CHECK(s.balances(cast.operator_id).pending_minor == 0);
}

TEST_CASE("scenario humanops: an unresolved dispute falls back to the poster after 14 days") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job job = submitted(s, cast);
  s.fire_ok(job.id, "reject", cast.agent);
  s.advance_ms(14 * mc::kMillisecondsPerDay - 1);
  CHECK(s.job(job.id).state == "DISPUTED");
  s.advance_ms(1);
  CHECK(s.job(job.id).state == "CANCELLED");
  CHECK(s.available(cast.agent) == 10'000);
}

TEST_CASE("scenario humanops: an undecided proof completes by itself after 7 days") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job job = submitted(s, cast);
  verify(s, job.id, 60);  // manual review nobody does
  s.advance_ms(7 * mc::kMillisecondsPerDay);
  CHECK(s.job(job.id).state == "COMPLETED");
  CHECK(s.balances(cast.operator_id).pending_minor == kReward);
}

TEST_CASE("scenario humanops: cancel from PENDING and ACCEPTED refunds reward and fee") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job first = post(s, cast);
  CHECK(s.fire_ok(first.id, "cancel", cast.agent).state == "CANCELLED");
  CHECK(s.available(cast.agent) == 10'000);
  const mc::Job second = post(s, cast);
  s.fire_ok(second.id, "accept", cast.operator_id);
  CHECK(s.fire_ok(second.id, "cancel", cast.agent).state == "CANCELLED");
  CHECK(s.available(cast.agent) == 10'000);
  const mc::Job third = post(s, cast);
  s.fire_ok(third.id, "accept", cast.operator_id);
  s.fire_ok(third.id, "start", cast.operator_id);
  s.fire_refused(third.id, "cancel", cast.agent, "wrong_state");
}

TEST_CASE("scenario humanops: the deadline expires PENDING, ACCEPTED and IN_PROGRESS tasks") {
  Scenario s("humanops");
  const Cast cast(s);
  const mc::Job pending = post(s, cast);
  const mc::Job accepted = post(s, cast);
  s.fire_ok(accepted.id, "accept", cast.operator_id);
  const mc::Job working = post(s, cast);
  s.fire_ok(working.id, "accept", cast.operator_id);
  s.fire_ok(working.id, "start", cast.operator_id);
  CHECK(s.available(cast.agent) == 10'000 - 3 * kEscrow);
  s.advance_ms(kDeadlineMs - mc::scenario::kStartMs);
  for (mc::JobId id : {pending.id, accepted.id, working.id}) {
    CHECK(s.job(id).state == "EXPIRED");
  }
  CHECK(s.available(cast.agent) == 10'000);
  s.fire_refused(pending.id, "accept", cast.operator_id, "wrong_state");
}

TEST_CASE("scenario humanops: the fee tier follows the trailing 30-day spend") {
  Scenario s("humanops");
  const mc::PartyId agent = s.party({.available_minor = 1'000'000});
  const mc::PartyId operator_id = s.party();
  auto task = [&](int64_t reward_minor) {
    return s.create({.poster_id = agent,
                     .amount_minor = reward_minor,
                     .title = "Inspect the site",
                     .category = "INSPECTION",
                     .deadline_at_ms = s.clock->now_ms() + mc::kMillisecondsPerDay});
  };
  const mc::Job big = task(430'000);  // $4,300 + 18 % = $5,074 spent once completed
  CHECK(big.fees.platform_fee_minor == 77'400);
  CHECK(task(10'000).fees.platform_fee_bps == 1800);  // nothing completed yet
  s.fire_ok(big.id, "accept", operator_id);
  mc::FireTransition submit{.job_id = big.id, .transition = "submit", .actor_id = operator_id};
  submit.proof_json = R"({"photos":["https://r2.example/site.jpg"]})";
  s.fire_ok(submit);
  verify(s, big.id, 99);
  const mc::Job growth = task(10'000);
  CHECK(growth.fees.platform_fee_bps == 1500);
  CHECK(growth.fees.platform_fee_minor == 1'500);
  s.advance_ms(30 * mc::kMillisecondsPerDay + 1);  // the completion leaves the window
  CHECK(task(10'000).fees.platform_fee_bps == 1800);
}
