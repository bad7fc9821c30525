// Forced-interleaving races on one job, the pairs users of escrow systems get wrong:
// accept/accept (exactly one winner), accept/cancel, approve/timeout and approve/approve
// (never a double release). Two styles:
//   - threaded: many callers released together by a latch hammer the same job, repeated;
//   - deterministic: the loser reads the job, the winner commits, then the loser attempts its
//     firing on the stale snapshot (Interpreter::fire_loaded) and must leave no trace.
// After every round: verify_ledger, and the money moved exactly once.
#include <doctest/doctest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "engine/engine_fixture.h"
#include "engine/interpreter.h"
#include "engine/registry.h"
#include "store/store.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

constexpr int kRounds = 8;
constexpr int kThreads = 8;

bool lost_race(const Status& status) {
  return (status.code() == Code::aborted && status.detail() == "job_state_changed") ||
         (status.code() == Code::failed_precondition && status.detail() == "wrong_state");
}

// Runs `calls` concurrently, all released at once; returns their statuses.
std::vector<Status> race(const std::vector<std::function<Status()>>& calls) {
  std::latch start(static_cast<std::ptrdiff_t>(calls.size()));
  std::vector<Status> results(calls.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < calls.size(); ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      results[i] = calls[i]();
    });
  }
  for (std::thread& thread : threads) thread.join();
  return results;
}

int count_ok(const std::vector<Status>& results) {
  int ok = 0;
  for (const Status& status : results) {
    if (status.ok()) {
      ++ok;
    } else {
      CHECK_MESSAGE(lost_race(status), status.to_string());
    }
  }
  return ok;
}

Job submitted_job(EngineFixture& f, PartyId poster, PartyId worker, int64_t amount_minor) {
  const Job job = f.post(poster, amount_minor);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  auto submitted = f.fire(job.id, "submit", worker);
  REQUIRE(submitted.ok());
  return submitted->job;
}

}  // namespace

TEST_CASE("engine race: accept/accept has exactly one winner") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  std::vector<PartyId> workers;
  for (int i = 0; i < kThreads; ++i) workers.push_back(f.party());
  for (int round = 0; round < kRounds; ++round) {
    const Job job = f.post(poster, 10);
    const int64_t events_before = f.event_count();
    std::vector<std::function<Status()>> calls;
    for (PartyId worker : workers) {
      calls.push_back([&, worker] { return f.fire(job.id, "accept", worker).status(); });
    }
    CHECK(count_ok(race(calls)) == 1);
    auto stored = f.engine->job(job.id);
    REQUIRE(stored.ok());
    CHECK(stored->state == "taken");
    CHECK(stored->version == job.version + 1);
    CHECK(f.event_count() == events_before + 1);
    f.verify();
  }
}

TEST_CASE("engine race: accept/cancel leaves either a taken job or a refund") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  for (int round = 0; round < kRounds * 2; ++round) {
    const Job job = f.post(poster, 10);
    auto results = race({[&] { return f.fire(job.id, "accept", worker).status(); },
                         [&] { return f.fire(job.id, "cancel", poster).status(); }});
    CHECK(count_ok(results) == 1);
    auto stored = f.engine->job(job.id);
    REQUIRE(stored.ok());
    const Balances balances = f.balances(poster);
    if (results[0].ok()) {
      CHECK(stored->state == "taken");
      CHECK(balances.escrow_minor == 10);
    } else {
      CHECK(stored->state == "refunded");
      CHECK(balances.escrow_minor == 0);
    }
    f.fire(job.id, "expire", std::nullopt).status().ignore();  // refund the taken ones
    f.verify();
  }
  CHECK(f.balances(poster).available_minor == 1000);
}

TEST_CASE("engine race: approve/timeout and approve/approve pay exactly once") {
  EngineFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  int64_t paid_minor = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Job job = submitted_job(f, poster, worker, 20);
    f.clock->advance_ms(kMillisecondsPerDay);  // the auto-approve timer is due
    std::vector<std::function<Status()>> calls;
    for (int i = 0; i < kThreads / 2; ++i) {
      calls.push_back([&] { return f.fire(job.id, "approve", poster).status(); });
      calls.push_back([&] { return f.engine->run_due().status(); });
    }
    for (const Status& status : race(calls)) {
      if (!status.ok()) CHECK_MESSAGE(lost_race(status), status.to_string());
    }
    REQUIRE(f.engine->run_due().ok());
    CHECK(f.engine->job(job.id)->state == "done");
    paid_minor += 18;
    CHECK(f.balances(worker).available_minor == paid_minor);
    f.verify();
  }
}

TEST_CASE("engine race: deterministic stale snapshots lose without a trace") {
  TempDir dir;
  const std::string path = database_location(dir.path("race.db"));
  JobId job_id = 0;
  PartyId poster = 0;
  std::vector<PartyId> workers;
  auto clock = std::make_shared<ManualClock>(kStartMs);
  {
    auto engine = Engine::open({.database_path = path, .clock = clock}).value();
    REQUIRE(engine->register_lifecycle(gig_lifecycle()).ok());
    auto market = engine->create_market(gig_market()).value();
    poster = engine->register_party({.market_id = market.id}).value().id;
    for (int i = 0; i < 2; ++i)
      workers.push_back(engine->register_party({.market_id = market.id}).value().id);
    REQUIRE(
        engine->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 100}).ok());
    job_id = engine->create_job({.market_id = market.id, .poster_id = poster, .amount_minor = 50})
                 .value()
                 .job.id;
  }
  engine::Registry registry;
  REQUIRE(registry.add_lifecycle(gig_lifecycle()).ok());
  REQUIRE(registry
              .add_guard("gig_gate", [](const Job&, std::optional<PartyId>,
                                        const FireTransition&) { return ok_status(); })
              .ok());
  engine::Interpreter interpreter(registry);
  auto store = store::open_store({.path = path}).value();
  auto snapshot = [&] {
    return store->read_result<Job>([&](store::Reader& reader) { return reader.job(job_id); })
        .value();
  };
  auto fire_stale = [&](const Job& stale, const FireTransition& request) {
    return store->write(clock->now_ms(), [&](store::Transaction& tx) {
      return interpreter.fire_loaded(tx, stale, request).status();
    });
  };
  auto fire_now = [&](const FireTransition& request) {
    return store->write(clock->now_ms(), [&](store::Transaction& tx) {
      return interpreter.fire(tx, request).status();
    });
  };
  auto events_after = [&](int64_t sequence) {
    return store
        ->read_result<std::vector<Event>>(
            [&](store::Reader& reader) { return reader.events({.after_sequence = sequence}); })
        .value()
        .size();
  };
  auto last_sequence = [&] {
    return store->read_result<int64_t>([](store::Reader& r) { return r.last_event_sequence(); })
        .value();
  };
  auto verify = [&] {
    auto report =
        store->read_result<LedgerReport>([](store::Reader& r) { return r.verify_ledger(); });
    REQUIRE(report.ok());
    REQUIRE(report->ok());
  };

  // accept/accept: B reads, A commits, B's firing on the stale job is refused.
  const Job before_accept = snapshot();
  REQUIRE(fire_now({.job_id = job_id, .transition = "accept", .actor_id = workers[0]}).ok());
  int64_t sequence = last_sequence();
  Status lost =
      fire_stale(before_accept, {.job_id = job_id, .transition = "accept", .actor_id = workers[1]});
  CHECK(lost.code() == Code::aborted);
  CHECK(lost.detail() == "job_state_changed");
  CHECK(events_after(sequence) == 0);
  CHECK(snapshot().worker_id == workers[0]);
  verify();

  // approve/approve and approve/timeout on a submitted job: the second never pays again.
  REQUIRE(fire_now({.job_id = job_id, .transition = "submit", .actor_id = workers[0]}).ok());
  const Job before_approve = snapshot();
  REQUIRE(fire_now({.job_id = job_id, .transition = "approve", .actor_id = poster}).ok());
  sequence = last_sequence();
  for (const FireTransition& loser :
       {FireTransition{.job_id = job_id, .transition = "approve", .actor_id = poster},
        FireTransition{.job_id = job_id, .transition = "auto_approve"}}) {
    Status again = fire_stale(before_approve, loser);
    CHECK_FALSE(again.ok());
    CHECK((again.code() == Code::aborted || again.code() == Code::failed_precondition));
    CHECK(events_after(sequence) == 0);
  }
  auto worker_balance = store->read_result<Balances>(
      [&](store::Reader& reader) { return reader.balances(before_approve.market_id, workers[0]); });
  REQUIRE(worker_balance.ok());
  CHECK(worker_balance->available_minor == 45);
  verify();
}

}  // namespace mc::test
