// Scenario: a dispute ends with the transition that moves its job on — a 1337MKT
// "dispute_timeout" or an AACP "arbitration_timeout" fired by the clock, or the platform's own
// resolve — and is closed in that transition's unit with it as the outcome; judges can no
// longer join or vote ("dispute_closed").
#include <doctest/doctest.h>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

constexpr int64_t kUsdc = 1'000'000;

// 1337MKT: a funded lead with one contract whose doer submitted proof.
mc::Job proven_contract(Scenario& s, mc::PartyId leader) {
  const mc::Job lead =
      s.create({.poster_id = leader,
                .amount_minor = 100 * kUsdc,
                .title = "Sign up for the beta",
                .category = "CPA",
                .deadline_at_ms = mc::scenario::kStartMs + 30 * mc::kMillisecondsPerDay,
                .contracts_max = 1});
  s.fire_ok(lead.id, "fund", leader);
  mc::Result<mc::JobOutcome> taken = s.engine->create_job(
      {.market_id = s.market.id,
       .poster_id = s.party(),
       .amount_minor = 100 * kUsdc,
       .parent_job_id = lead.id,
       .category = "CPA",
       .deadline_at_ms = mc::scenario::kStartMs + 5 * mc::kMillisecondsPerDay});
  REQUIRE_MESSAGE(taken.ok(), taken.status().to_string());
  mc::FireTransition proof{
      .job_id = taken->job.id, .transition = "submit_proof", .actor_id = taken->job.worker_id};
  proof.proof_json = R"({"url":"https://example.com/signup/42"})";
  return s.fire_ok(proof);
}

// AACP: a funded job with a picked provider whose deliverable the evaluator accepted.
mc::Job completed_aacp_job(Scenario& s, mc::PartyId client, mc::PartyId provider,
                           mc::PartyId evaluator) {
  const mc::Job job =
      s.create({.poster_id = client,
                .amount_minor = 100 * kUsdc,
                .evaluator_id = evaluator,
                .category = "PROGRAM",
                .deadline_at_ms = mc::scenario::kStartMs + 7 * mc::kMillisecondsPerDay});
  s.fire_ok(job.id, "fund", client);
  REQUIRE(s.engine->submit_offer({.job_id = job.id, .party_id = provider}).ok());
  mc::FireTransition pick{.job_id = job.id, .transition = "set_provider", .actor_id = client};
  pick.worker_id = provider;
  s.fire_ok(pick);
  mc::FireTransition submit{.job_id = job.id, .transition = "submit", .actor_id = provider};
  submit.proof_json = R"({"deliverableHash":"0xabc"})";
  s.fire_ok(submit);
  return s.fire_ok(job.id, "complete", evaluator);
}

void check_closed_to_judges(Scenario& s, int64_t dispute_id, mc::PartyId joined_judge) {
  const mc::PartyId late_judge = s.party({.reputation = 90});
  CHECK(s.engine->join_dispute(dispute_id, late_judge).detail() == "dispute_closed");
  CHECK(s.engine->cast_vote(dispute_id, joined_judge, "worker").status().detail() ==
        "dispute_closed");
}

// AACP: a completed job the client disputed, with one judge on the panel.
struct AacpDispute {
  mc::Job job;
  mc::Dispute dispute;
  mc::PartyId judge = 0;
};

AacpDispute disputed_aacp_job(Scenario& s) {
  const mc::PartyId client = s.party({.available_minor = 1000 * kUsdc, .stake_minor = 100 * kUsdc});
  const mc::PartyId provider = s.party({.stake_minor = 200 * kUsdc});
  const mc::PartyId evaluator =
      s.party({.stake_minor = 100 * kUsdc, .profile_json = R"({"accepts_roles":["evaluator"]})"});
  const mc::Job job = completed_aacp_job(s, client, provider, evaluator);
  mc::Result<mc::Dispute> dispute = s.engine->open_dispute(job.id, client, "bad output");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  const mc::PartyId judge = s.party({.reputation = 90});
  REQUIRE(s.engine->join_dispute(dispute->id, judge).ok());
  return {job, *dispute, judge};
}

}  // namespace

TEST_CASE("scenario disputes: a 1337mkt dispute_timeout closes the dispute with its outcome") {
  Scenario s("1337mkt");
  const mc::PartyId leader = s.party({.available_minor = 1000 * kUsdc});
  const mc::Job contract = proven_contract(s, leader);
  mc::Result<mc::Dispute> dispute = s.engine->open_dispute(contract.id, leader, "fake proof");
  REQUIRE_MESSAGE(dispute.ok(), dispute.status().to_string());
  const mc::PartyId judge = s.party({.reputation = 90});
  REQUIRE(s.engine->join_dispute(dispute->id, judge).ok());
  s.advance_ms(14 * mc::kMillisecondsPerDay - 1);
  CHECK(s.engine->dispute(dispute->id)->status == "open");
  s.advance_ms(1);
  CHECK(s.job(contract.id).state == "resolved_leader");
  mc::Result<mc::Dispute> closed = s.engine->dispute(dispute->id);
  REQUIRE(closed.ok());
  CHECK(closed->status == "closed");
  CHECK(closed->outcome == "dispute_timeout");
  CHECK(closed->verdict.empty());
  CHECK(closed->resolved_at_ms == mc::scenario::kStartMs + 14 * mc::kMillisecondsPerDay);
  check_closed_to_judges(s, dispute->id, judge);
}

TEST_CASE("scenario disputes: an aacp arbitration_timeout closes the dispute with its outcome") {
  Scenario s("aacp");
  const auto [job, opened, judge] = disputed_aacp_job(s);
  const mc::Dispute* dispute = &opened;
  s.advance_ms(14 * mc::kMillisecondsPerDay);
  CHECK(s.job(job.id).state == "ARBITRATED");
  mc::Result<mc::Dispute> closed = s.engine->dispute(dispute->id);
  REQUIRE(closed.ok());
  CHECK(closed->status == "closed");
  CHECK(closed->outcome == "arbitration_timeout");
  check_closed_to_judges(s, dispute->id, judge);
}

TEST_CASE("scenario disputes: the platform's own resolve closes the dispute with its verdict") {
  Scenario s("aacp");
  const auto [job, opened, judge] = disputed_aacp_job(s);
  const mc::Dispute* dispute = &opened;
  mc::FireTransition resolve{.job_id = job.id, .transition = "resolve_for_worker"};
  resolve.as_platform = true;
  CHECK(s.fire_ok(resolve).state == "ARBITRATED");
  mc::Result<mc::Dispute> resolved = s.engine->dispute(dispute->id);
  REQUIRE(resolved.ok());
  CHECK(resolved->status == "resolved");
  CHECK(resolved->verdict == "worker");
  CHECK(resolved->outcome == "resolve_for_worker");
  check_closed_to_judges(s, dispute->id, judge);
}
