// Statement fault sweeps (statement_sweep.h) over disputes: filing one (the dispute transition
// with its deposit), judges joining, open votes up to the verdict that fires
// resolve_for_worker, commit-reveal votes with the arbitrator stake they lock, and the dispute
// reads. Each store statement of each call fails in turn: the call returns the store's error
// and changes nothing; with no fault reached it succeeds.
#include <doctest/doctest.h>

#include "engine/statement_sweep.h"

namespace mc::test {
namespace {

Status status_of(const auto& result) {
  return result.status();
}

// A party of `market` with `available_minor` and `stake_minor` deposited.
PartyId member(SweepFixture& f, MarketId market, int64_t available_minor, int64_t stake_minor,
               int64_t reputation) {
  Party row;
  row.market_id = market;
  row.kind = "agent";
  row.reputation = reputation;
  const PartyId id = f.engine->register_party(row).value().id;
  if (available_minor > 0) {
    REQUIRE(
        f.engine->deposit({.market_id = market, .party_id = id, .amount_minor = available_minor})
            .ok());
  }
  if (stake_minor > 0) {
    REQUIRE(f.engine
                ->deposit({.market_id = market,
                           .party_id = id,
                           .amount_minor = stake_minor,
                           .into = AccountKind::stake})
                .ok());
  }
  return id;
}

// A job of `market` posted by `poster`, accepted and submitted by `worker`.
JobId submitted_job(SweepFixture& f, MarketId market, PartyId poster, PartyId worker) {
  const Result<JobOutcome> created = f.engine->create_job(
      {.market_id = market, .poster_id = poster, .amount_minor = 100, .title = "t"});
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  const JobId job = created->job.id;
  REQUIRE(f.fire(job, "accept", worker).ok());
  REQUIRE(f.fire(job, "submit", worker).ok());
  return job;
}

TEST_CASE("statement sweep: a dispute decided by open votes") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  const PartyId judge_a = f.party(0, 0, 60);
  const PartyId judge_b = f.party(0, 0, 60);
  const JobId job = submitted_job(f, f.market.id, poster, worker);

  int64_t dispute_id = 0;
  sweep(f, "open_dispute", [&] {
    auto opened = f.engine->open_dispute(job, poster, "not what I asked for",
                                         IdempotencyKey{"party:poster", "dispute-1"});
    if (opened.ok()) dispute_id = opened->id;
    return opened.status();
  });
  CHECK(f.engine->job(job)->state == "disputed");
  sweep(f, "open_dispute (idempotent replay)", [&] {
    return status_of(f.engine->open_dispute(job, poster, "not what I asked for",
                                            IdempotencyKey{"party:poster", "dispute-1"}));
  });
  sweep(f, "join_dispute", [&] { return f.engine->join_dispute(dispute_id, judge_a); });
  sweep(f, "join_dispute (again)", [&] { return f.engine->join_dispute(dispute_id, judge_a); });
  REQUIRE(f.engine->join_dispute(dispute_id, judge_b).ok());
  sweep(f, "cast_vote (no majority yet)",
        [&] { return status_of(f.engine->cast_vote(dispute_id, judge_a, "worker")); });
  sweep(f, "cast_vote (deciding)", [&] {
    auto decided = f.engine->cast_vote(dispute_id, judge_b, "worker");
    if (decided.ok()) CHECK(decided->status == "resolved");
    return decided.status();
  });
  CHECK(f.engine->job(job)->state == "done");
  CHECK(f.balances(worker).available_minor == 90);

  sweep(f, "dispute", [&] { return status_of(f.engine->dispute(dispute_id)); });
  sweep(f, "dispute_of_job", [&] { return status_of(f.engine->dispute_of_job(job)); });
  sweep(f, "open_disputes", [&] { return status_of(f.engine->open_disputes(f.market.id, 10)); });
  sweep(f, "dispute_votes", [&] { return status_of(f.engine->dispute_votes(dispute_id)); });
  f.verify();
}

TEST_CASE("statement sweep: commit-reveal votes with arbitrator stakes") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  MarketConfig config = gig_market("arbitrated");
  config.config_json =
      R"({"judges_needed":3,"judge_reputation_min":50,"arbitrator_stake_minor":10})";
  const Result<Market> created = f.engine->create_market(config);
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  const MarketId market = created->id;
  const PartyId poster = member(f, market, 1000, 0, 0);
  const PartyId worker = member(f, market, 10, 0, 0);  // 5 of it for the dispute deposit
  const std::vector<PartyId> judges = {member(f, market, 0, 50, 60), member(f, market, 0, 50, 80),
                                       member(f, market, 0, 50, 100)};
  const JobId job = submitted_job(f, market, poster, worker);
  const Result<Dispute> opened = f.engine->open_dispute(job, worker, "unpaid");
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  const int64_t dispute_id = opened->id;

  const std::vector<std::string> votes = {"poster", "poster", "worker"};
  for (size_t i = 0; i < judges.size(); ++i) {
    const std::string commitment = Engine::vote_commitment(votes[i], "salt" + std::to_string(i));
    sweep(f, "commit_vote " + std::to_string(i),
          [&] { return status_of(f.engine->commit_vote(dispute_id, judges[i], commitment)); });
  }
  CHECK(f.engine->balances(market, judges[0])->stake_locked_minor == 17);  // 10 / 0.6, rounded up
  sweep(f, "commit_vote (the same commitment again)", [&] {
    return status_of(
        f.engine->commit_vote(dispute_id, judges[0], Engine::vote_commitment("poster", "salt0")));
  });
  sweep(f, "reveal_vote (no majority yet)",
        [&] { return status_of(f.engine->reveal_vote(dispute_id, judges[2], "worker", "salt2")); });
  sweep(f, "reveal_vote",
        [&] { return status_of(f.engine->reveal_vote(dispute_id, judges[0], "poster", "salt0")); });
  sweep(f, "reveal_vote (deciding)", [&] {
    auto decided = f.engine->reveal_vote(dispute_id, judges[1], "poster", "salt1");
    if (decided.ok()) CHECK(decided->verdict == "poster");
    return decided.status();
  });
  CHECK(f.engine->job(job)->state == "refunded");
  // The gig lifecycle has no release_stakes effect: the stakes stay locked on the job.
  CHECK(f.engine->balances(market, judges[0])->stake_locked_minor == 17);
  f.verify();
}

}  // namespace
}  // namespace mc::test
