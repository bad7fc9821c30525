// Due work never drops money: a timer whose firing hits a full write queue is retried with
// backoff and still refunds; a timer or hold that fails permanently is parked as stuck (listed,
// reported, retryable) and does not block the work after it.
#include <doctest/doctest.h>

#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/engine_fixture.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

// An engine on a ManualClock with the gig market (its "gig_gate" guard, which runs inside the
// accept's write unit, holds the writer while a request says "hold_writer") and the j0 market.
struct DueFixture {
  explicit DueFixture(int32_t write_queue_units_max, int64_t settlement_hold_ms = 0)
      : clock(std::make_shared<ManualClock>(kStartMs)) {
    EngineOptions options{.database_path = database_location(dir.path("market.db")),
                          .clock = clock,
                          .durability = Durability::normal};
    options.write_queue_units_max = write_queue_units_max;
    options.on_due_failure = [this](const DueWorkFailure& failure) {
      std::function<void()> hook;
      {
        std::lock_guard lock(mutex);
        failures.push_back(failure);
        hook = on_failure;
      }
      if (hook) hook();
    };
    auto opened = Engine::open(std::move(options));
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    engine = std::move(opened).value();
    REQUIRE(engine->register_lifecycle(gig_lifecycle()).ok());
    REQUIRE(engine
                ->register_guard("gig_gate",
                                 [this](const Job&, std::optional<PartyId>,
                                        const FireTransition& request) -> Status {
                                   if (request.result_text == "hold_writer") {
                                     writer_held.set_value();
                                     writer_release.get_future().wait();
                                   }
                                   return ok_status();
                                 })
                .ok());
    gig = engine->create_market(gig_market("gig", settlement_hold_ms)).value();
    j0 = engine->ensure_market(builtin_market_config("j0").value()).value();
  }

  PartyId party(const Market& market, int64_t available_minor) {
    Party row;
    row.market_id = market.id;
    row.kind = "agent";
    auto registered = engine->register_party(row);
    REQUIRE_MESSAGE(registered.ok(), registered.status().to_string());
    if (available_minor > 0) {
      REQUIRE(engine
                  ->deposit({.market_id = market.id,
                             .party_id = registered->id,
                             .amount_minor = available_minor})
                  .ok());
    }
    return registered->id;
  }

  Result<JobOutcome> fire(JobId job, std::string transition, std::optional<PartyId> actor,
                          std::string result_text = "") {
    FireTransition request{.job_id = job, .transition = std::move(transition), .actor_id = actor};
    request.result_text = std::move(result_text);
    return engine->fire(request);
  }

  std::vector<DueWorkFailure> reported() {
    std::lock_guard lock(mutex);
    return failures;
  }

  void verify() {
    auto report = engine->verify_ledger();
    REQUIRE(report.ok());
    CHECK_MESSAGE(report->ok(), "ledger inconsistent");
  }

  TempDir dir;
  std::shared_ptr<ManualClock> clock;
  std::unique_ptr<Engine> engine;
  Market gig;
  Market j0;
  std::promise<void> writer_held;
  std::promise<void> writer_release;
  std::mutex mutex;
  std::vector<DueWorkFailure> failures;  // guarded by mutex
  std::function<void()> on_failure;      // guarded by mutex
};

}  // namespace

TEST_CASE(
    "engine due work: a j0 timeout that hits a full write queue still times out and refunds") {
  DueFixture f(/*write_queue_units_max=*/1);
  const PartyId requester = f.party(f.j0, 100);
  const PartyId worker = f.party(f.j0, 0);
  auto posted = f.engine->create_job({.market_id = f.j0.id,
                                      .poster_id = requester,
                                      .amount_minor = 40,
                                      .prompt = "Summarize the paper.",
                                      .category = "opus",
                                      .work_timeout_ms = 30 * kMillisecondsPerSecond});
  REQUIRE_MESSAGE(posted.ok(), posted.status().to_string());
  const JobId job = posted->job.id;
  REQUIRE(f.fire(job, "accept", worker).ok());
  CHECK(f.engine->balances(f.j0.id, requester)->available_minor == 60);

  // Another request holds the store's only write slot while the timeout falls due.
  const PartyId poster = f.party(f.gig, 100);
  const PartyId taker = f.party(f.gig, 0);
  const Job gig_job =
      f.engine->create_job({.market_id = f.gig.id, .poster_id = poster, .amount_minor = 10})
          .value()
          .job;
  std::thread holder([&] { CHECK(f.fire(gig_job.id, "accept", taker, "hold_writer").ok()); });
  f.writer_held.get_future().wait();
  f.clock->advance_ms(31 * kMillisecondsPerSecond);

  // While the queue stays full, not even the failure can be recorded: run_due says so and the
  // timer stays due as it was.
  Result<int64_t> congested = f.engine->run_due();
  CHECK(congested.status().detail() == "write_queue_full");
  REQUIRE(f.reported().size() == 1);
  CHECK(f.reported()[0].status.detail() == "write_queue_full");
  CHECK(f.engine->job(job)->state == "accepted");
  CHECK(f.engine->next_due_at_ms().value() == kStartMs + 30 * kMillisecondsPerSecond);

  // The queue drains between the refused firing and the record of its failure: the timer is
  // kept with a retry time (the tree before this change deleted it here, and the job stayed
  // accepted with the requester's credits in escrow for good).
  {
    std::lock_guard lock(f.mutex);
    f.on_failure = [&] {
      f.writer_release.set_value();
      holder.join();
    };
  }
  Result<int64_t> retried = f.engine->run_due();
  REQUIRE_MESSAGE(retried.ok(), retried.status().to_string());
  CHECK_FALSE(holder.joinable());
  const std::vector<DueWorkFailure> failures = f.reported();
  REQUIRE(failures.size() == 2);
  CHECK(failures[1].kind == StuckDueWork::Kind::timer);
  CHECK(failures[1].job_id == job);
  CHECK(failures[1].transition == "timeout");
  CHECK(failures[1].status.detail() == "write_queue_full");
  CHECK_FALSE(failures[1].parked);
  CHECK(failures[1].attempts == 1);
  const int64_t retry_at_ms = f.clock->now_ms() + 1000;
  CHECK(failures[1].next_attempt_at_ms == retry_at_ms);
  CHECK(f.engine->job(job)->state == "accepted");
  CHECK(f.engine->next_due_at_ms().value() == retry_at_ms);
  CHECK(f.engine->stuck_due_work().value().empty());

  // At the retry time the timeout fires and refunds the requester.
  f.clock->advance_ms(1000);
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(job)->state == "timeout");
  CHECK(f.engine->balances(f.j0.id, requester)->available_minor == 100);
  CHECK(f.engine->balances(f.j0.id, worker)->available_minor == 0);
  CHECK(f.reported().size() == 2);
  f.verify();
}

TEST_CASE("engine due work: a timer that fails for good is parked, listed and retryable") {
  DueFixture f(/*write_queue_units_max=*/4096);
  const PartyId poster = f.party(f.gig, 100);
  const Job broken =
      f.engine->create_job({.market_id = f.gig.id, .poster_id = poster, .amount_minor = 10})
          .value()
          .job;
  const Job healthy =
      f.engine->create_job({.market_id = f.gig.id, .poster_id = poster, .amount_minor = 20})
          .value()
          .job;
  // Damage the first job's timer (its transition no longer exists); the second is intact.
  raw_sql(f.dir.path("market.db"),
          "UPDATE timers SET transition = 'vanished' WHERE job_id = " + std::to_string(broken.id));
  REQUIRE(f.engine->advance_ms(kMillisecondsPerHour).ok());
  CHECK(f.engine->job(healthy.id)->state == "refunded");  // not blocked by the broken one
  CHECK(f.engine->job(broken.id)->state == "open");
  const std::vector<DueWorkFailure> failures = f.reported();
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].parked);
  CHECK(failures[0].job_id == broken.id);
  auto stuck = f.engine->stuck_due_work();
  REQUIRE(stuck.ok());
  REQUIRE(stuck->size() == 1);
  const StuckDueWork parked = stuck->front();
  CHECK(parked.kind == StuckDueWork::Kind::timer);
  CHECK(parked.job_id == broken.id);
  CHECK(parked.transition == "vanished");
  CHECK(parked.attempts == 1);
  CHECK(parked.stuck_at_ms == kStartMs + kMillisecondsPerHour);
  CHECK(parked.last_error.find("not_found") != std::string::npos);
  CHECK(f.engine->count_stuck_due_work().value() == 1);
  // Parked: not due again by itself, and never deleted.
  CHECK_FALSE(f.engine->next_due_at_ms().value().has_value());
  REQUIRE(f.engine->advance_ms(kMillisecondsPerDay).ok());
  CHECK(f.engine->stuck_due_work()->size() == 1);
  CHECK(f.reported().size() == 1);

  // Repaired and retried, it fires.
  raw_sql(f.dir.path("market.db"),
          "UPDATE timers SET transition = 'expire' WHERE job_id = " + std::to_string(broken.id));
  CHECK(f.engine->retry_stuck_due_work(StuckDueWork::Kind::hold, parked.id).detail() ==
        "stuck_work_not_found");
  REQUIRE(f.engine->retry_stuck_due_work(StuckDueWork::Kind::timer, parked.id).ok());
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(broken.id)->state == "refunded");
  CHECK(f.engine->stuck_due_work()->empty());
  CHECK(f.engine->count_stuck_due_work().value() == 0);
  CHECK(f.engine->retry_stuck_due_work(StuckDueWork::Kind::timer, parked.id).detail() ==
        "stuck_work_not_found");
  CHECK(f.engine->balances(f.gig.id, poster)->available_minor == 100);
  f.verify();
}

TEST_CASE("engine due work: a failing due hold does not block the holds after it") {
  DueFixture f(/*write_queue_units_max=*/4096, /*settlement_hold_ms=*/kMillisecondsPerDay);
  const PartyId poster = f.party(f.gig, 100);
  const PartyId first_worker = f.party(f.gig, 0);
  const PartyId second_worker = f.party(f.gig, 0);
  for (PartyId worker : {first_worker, second_worker}) {
    const Job job =
        f.engine->create_job({.market_id = f.gig.id, .poster_id = poster, .amount_minor = 20})
            .value()
            .job;
    REQUIRE(f.fire(job.id, "accept", worker).ok());
    REQUIRE(f.fire(job.id, "submit", worker).ok());
    REQUIRE(f.fire(job.id, "approve", poster).ok());
    CHECK(f.engine->balances(f.gig.id, worker)->pending_minor == 18);
  }
  // The first worker's settlement hold is damaged: its account row is gone from its record.
  raw_sql(f.dir.path("market.db"),
          "UPDATE holds SET hold_account_id = hold_account_id + 1000000 WHERE purpose = 1 AND "
          "id = (SELECT MIN(id) FROM holds WHERE purpose = 1)");
  REQUIRE(f.engine->advance_ms(kMillisecondsPerDay).ok());
  CHECK(f.engine->balances(f.gig.id, second_worker)->available_minor == 18);
  CHECK(f.engine->balances(f.gig.id, first_worker)->available_minor == 0);
  auto stuck = f.engine->stuck_due_work();
  REQUIRE(stuck.ok());
  REQUIRE(stuck->size() == 1);
  CHECK(stuck->front().kind == StuckDueWork::Kind::hold);
  CHECK(stuck->front().last_error.find("store_corrupt") != std::string::npos);
  REQUIRE(f.reported().size() == 1);
  CHECK(f.reported()[0].parked);
  CHECK(f.reported()[0].kind == StuckDueWork::Kind::hold);

  // Repaired and retried, it releases.
  raw_sql(f.dir.path("market.db"),
          "UPDATE holds SET hold_account_id = hold_account_id - 1000000 WHERE id = " +
              std::to_string(stuck->front().id));
  REQUIRE(f.engine->retry_stuck_due_work(StuckDueWork::Kind::hold, stuck->front().id).ok());
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->balances(f.gig.id, first_worker)->available_minor == 18);
  CHECK(f.engine->stuck_due_work()->empty());
  f.verify();
}

}  // namespace mc::test
