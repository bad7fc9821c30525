// Refusals of the dispute calls on the gig market (3 judges, reputation 50 or more): a reason
// that is not UTF-8, malformed commitments and votes, judges who are parties to the job, below
// the reputation minimum or of another market, a full panel, a second commitment, reveals by
// non-judges, twice, before every judge committed and after the window, and commits after the
// commit window. Every refusal leaves the dispute, its votes and the ledger as they were.
#include <doctest/doctest.h>

#include <string>

#include "engine/engine_fixture.h"

namespace mc::test {
namespace {

std::string detail(const auto& result) {
  return std::string(result.status().detail());
}

struct Disputed {
  Disputed() {
    poster = f.party(1000);
    worker = f.party(10);
    evaluator = f.party(0, 0, 90);
    Job created = f.engine
                      ->create_job({.market_id = f.market.id,
                                    .poster_id = poster,
                                    .amount_minor = 100,
                                    .evaluator_id = evaluator,
                                    .title = "t"})
                      .value()
                      .job;
    job = created.id;
    REQUIRE(f.fire(job, "accept", worker).ok());
    REQUIRE(f.fire(job, "submit", worker).ok());
    const Result<Dispute> opened = f.engine->open_dispute(job, worker, "unpaid");
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    dispute = opened->id;
  }

  size_t votes() { return f.engine->dispute_votes(dispute)->size(); }

  EngineFixture f;
  PartyId poster = 0, worker = 0, evaluator = 0;
  JobId job = 0;
  int64_t dispute = 0;
};

TEST_CASE("dispute refusals: malformed requests and ineligible judges") {
  Disputed d;
  EngineFixture& f = d.f;
  CHECK(detail(f.engine->open_dispute(d.job, d.poster, "\xFF")) == "invalid_utf8");
  CHECK(detail(f.engine->open_dispute(d.job, d.poster, "again")) == "dispute_exists");
  CHECK(detail(f.engine->commit_vote(d.dispute, f.party(0, 0, 60), "not hex")) == "bad_commitment");
  CHECK(detail(f.engine->commit_vote(d.dispute, f.party(0, 0, 60), "0x1234")) == "bad_commitment");
  CHECK(detail(f.engine->reveal_vote(d.dispute, f.party(0, 0, 60), "maybe", "salt")) == "bad_vote");
  CHECK(detail(f.engine->cast_vote(d.dispute, f.party(0, 0, 60), "maybe")) == "bad_vote");

  const std::string commitment = Engine::vote_commitment("worker", "salt");
  const MarketId other = f.engine->create_market(gig_market("other")).value().id;
  Party outsider_row;
  outsider_row.market_id = other;
  outsider_row.reputation = 99;
  const PartyId outsider = f.engine->register_party(outsider_row).value().id;
  for (PartyId judge : {d.poster, d.worker, d.evaluator, f.party(0, 0, 10), outsider}) {
    CHECK(f.engine->join_dispute(d.dispute, judge).detail() == "judge_not_eligible");
    CHECK(detail(f.engine->commit_vote(d.dispute, judge, commitment)) == "judge_not_eligible");
  }
  CHECK(detail(f.engine->cast_vote(d.dispute, f.party(0, 0, 60), "worker")) == "not_a_judge");
  CHECK(d.votes() == 0);
  f.verify();
}

TEST_CASE("dispute refusals: the commit-reveal panel") {
  Disputed d;
  EngineFixture& f = d.f;
  const PartyId joined = f.party(0, 0, 60);
  REQUIRE(f.engine->join_dispute(d.dispute, joined).ok());
  CHECK(detail(f.engine->reveal_vote(d.dispute, joined, "worker", "s0")) == "not_a_judge");
  CHECK(detail(f.engine->reveal_vote(d.dispute, f.party(0, 0, 60), "worker", "s0")) ==
        "not_a_judge");
  // A judge who joined commits later (no stake in this market).
  REQUIRE(f.engine->commit_vote(d.dispute, joined, Engine::vote_commitment("worker", "s0")).ok());
  CHECK(detail(f.engine->commit_vote(d.dispute, joined, Engine::vote_commitment("poster", "s0"))) ==
        "already_committed");
  CHECK(detail(f.engine->reveal_vote(d.dispute, joined, "worker", "s0")) == "reveal_not_open");
  const PartyId second = f.party(0, 0, 70);
  REQUIRE(f.engine->commit_vote(d.dispute, second, Engine::vote_commitment("poster", "s1")).ok());
  const PartyId third = f.party(0, 0, 80);
  REQUIRE(f.engine->commit_vote(d.dispute, third, Engine::vote_commitment("poster", "s2")).ok());
  CHECK(detail(f.engine->commit_vote(d.dispute, f.party(0, 0, 90),
                                     Engine::vote_commitment("poster", "s3"))) == "panel_full");
  CHECK(f.engine->join_dispute(d.dispute, f.party(0, 0, 90)).detail() == "panel_full");
  CHECK(detail(f.engine->reveal_vote(d.dispute, joined, "poster", "s0")) == "commitment_mismatch");
  REQUIRE(f.engine->reveal_vote(d.dispute, joined, "worker", "s0").ok());
  CHECK(detail(f.engine->reveal_vote(d.dispute, joined, "worker", "s0")) == "already_voted");
  CHECK(detail(f.engine->cast_vote(d.dispute, joined, "worker")) == "already_voted");
  f.clock->advance_ms(72 * kMillisecondsPerHour);  // past the reveal window (48 h + 24 h)
  CHECK(detail(f.engine->reveal_vote(d.dispute, second, "poster", "s1")) == "reveal_window_closed");
  CHECK(f.engine->dispute(d.dispute)->status == "open");
  CHECK(f.engine->job(d.job)->state == "disputed");
  f.verify();
}

TEST_CASE("dispute refusals: the commit window closes") {
  Disputed d;
  EngineFixture& f = d.f;
  f.clock->advance_ms(48 * kMillisecondsPerHour);
  CHECK(detail(f.engine->commit_vote(d.dispute, f.party(0, 0, 60),
                                     Engine::vote_commitment("worker", "s"))) ==
        "commit_window_closed");
  // The commit window closed with no judge: revealing is open, but nobody committed.
  CHECK(detail(f.engine->reveal_vote(d.dispute, f.party(0, 0, 60), "worker", "s")) ==
        "not_a_judge");
  CHECK(d.votes() == 0);
  f.verify();
}

}  // namespace
}  // namespace mc::test
