// Statement fault sweeps (statement_sweep.h) with the engine reopened before every run, so the
// store's market cache is cold and each write unit reads its market row too: deposits,
// registration, party updates, firing and every dispute call fail at that read in turn, return
// the store's error and change nothing. Then stored idempotency records that no longer decode
// (damaged outside the store): a replay of them is refused with
// data_loss/"bad_idempotency_record", never answered with a made-up result.
#include <doctest/doctest.h>

#include <string>

#include "engine/statement_sweep.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

Status status_of(const auto& result) {
  return result.status();
}

constexpr SweepFaults kCold{.reopen_each_run = true};

TEST_CASE("statement sweep: writes on a cold market cache") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  const MarketId market = f.market.id;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party(10);
  sweep(
      f, "deposit (cold)",
      [&] {
        return status_of(
            f.engine->deposit({.market_id = market, .party_id = poster, .amount_minor = 5}));
      },
      kCold);
  Party row;
  row.market_id = market;
  row.email = "cold@example.com";
  sweep(
      f, "register_party (cold)", [&] { return status_of(f.engine->register_party(row)); }, kCold);
  Party changed = f.engine->party(worker).value();
  changed.display_name = "Worker";
  sweep(
      f, "update_party (cold)", [&] { return f.engine->update_party(changed); }, kCold);
  sweep(
      f, "update_party_fields (cold)",
      [&] {
        return status_of(f.engine->update_party_fields({.id = worker, .email = "w@example.com"}));
      },
      kCold);
  const Job job = f.post(poster, 100);
  sweep(
      f, "fire accept (cold)", [&] { return status_of(f.fire(job.id, "accept", worker)); }, kCold);
  REQUIRE(f.fire(job.id, "submit", worker).ok());
  int64_t dispute = 0;
  sweep(
      f, "open_dispute (cold)",
      [&] {
        auto opened = f.engine->open_dispute(job.id, worker, "unpaid");
        if (opened.ok()) dispute = opened->id;
        return opened.status();
      },
      kCold);
  const PartyId judge = f.party(0, 0, 60);
  sweep(
      f, "join_dispute (cold)", [&] { return f.engine->join_dispute(dispute, judge); }, kCold);
  const PartyId committer = f.party(0, 0, 70);
  sweep(
      f, "commit_vote (cold)",
      [&] {
        return status_of(
            f.engine->commit_vote(dispute, committer, Engine::vote_commitment("worker", "s")));
      },
      kCold);
  f.clock->advance_ms(48 * kMillisecondsPerHour);  // the commit window closes: reveals open
  sweep(
      f, "reveal_vote (cold)",
      [&] { return status_of(f.engine->reveal_vote(dispute, committer, "worker", "s")); }, kCold);
  CHECK(f.engine->dispute_votes(dispute)->size() == 2);
  f.verify();
}

TEST_CASE("idempotency records that no longer decode are refused on replay") {
  if (testing_postgres()) return;  // the records are damaged through the SQLite file
  EngineFixture f;
  const MarketId market = f.market.id;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party(10);
  const Deposit deposit{.market_id = market,
                        .party_id = poster,
                        .amount_minor = 5,
                        .idempotency = IdempotencyKey{"s", "deposit"}};
  REQUIRE(f.engine->deposit(deposit).ok());
  CreateJob create{.market_id = market, .poster_id = poster, .amount_minor = 10, .title = "t"};
  create.idempotency = IdempotencyKey{"s", "create"};
  const JobId job = f.engine->create_job(create).value().job.id;
  REQUIRE(f.fire(job, "accept", worker).ok());
  FireTransition submit{.job_id = job,
                        .transition = "submit",
                        .actor_id = worker,
                        .idempotency = IdempotencyKey{"s", "submit"}};
  REQUIRE(f.engine->fire(submit).ok());
  const IdempotencyKey dispute_key{"s", "dispute"};
  REQUIRE(f.engine->open_dispute(job, worker, "unpaid", dispute_key).ok());
  const Balances before = f.balances(poster);

  auto damage = [&](const std::string& key, const std::string& result_json) {
    raw_sql(f.database_file(),
            "UPDATE idempotency SET result_json = '" + result_json + "' WHERE key = '" + key + "'");
  };
  auto refused = [](const Status& status) {
    CHECK_MESSAGE(status.detail() == "bad_idempotency_record", status.to_string());
    CHECK(status.code() == Code::data_loss);
  };
  for (const char* bad : {"not json", "{}", R"({"transfer_id":"x"})", R"({"transfer_id":1})"}) {
    damage("deposit", bad);
    refused(f.engine->deposit(deposit).status());
  }
  for (const char* bad : {"[", "{}", R"({"job_id":1})", R"({"job_id":1,"fired":5})"}) {
    damage("create", bad);
    refused(f.engine->create_job(create).status());
    damage("submit", bad);
    refused(f.engine->fire(submit).status());
  }
  damage("dispute", "{");
  refused(f.engine->open_dispute(job, worker, "unpaid", dispute_key).status());
  CHECK(f.balances(poster).available_minor == before.available_minor);
  f.verify();
}

TEST_CASE("statement sweep: opening an engine that verifies its ledger") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  f.party(100);
  f.engine.reset();
  for (int64_t n = 1;; ++n) {
    REQUIRE(n < 1000);
    store::testing::StatementFaults faults(n);
    Result<std::unique_ptr<Engine>> opened = Engine::open(
        {.database_path = f.database().string(), .clock = f.clock, .verify_ledger_at_open = true});
    if (!faults.fired()) {
      REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
      break;
    }
    INFO("fault at statement ", n, " (", faults.fired_at(), ")");
    REQUIRE_FALSE(opened.ok());
    const std::string why(opened.status().detail());
    CHECK((why == "store_open_failed" || why == "store_unavailable"));
  }
  f.reopen();
  f.verify();
}

}  // namespace
}  // namespace mc::test
