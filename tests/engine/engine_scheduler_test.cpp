// mc::Scheduler: runs an engine's due work on its own thread, reports each run, and wakes at
// once when the OffsetClock it watches is moved (its poll interval here is a minute, so only
// the wake-up can make the work happen within the test's wait).
#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/engine_fixture.h"
#include "marketcore/scheduler.h"
#include "store/test_database.h"

namespace mc::test {

TEST_CASE("scheduler: fires due work promptly when its offset clock moves") {
  TempDir dir;
  auto clock = std::make_shared<OffsetClock>(std::make_shared<ManualClock>(kStartMs));
  auto opened = Engine::open({.database_path = database_location(dir.path("market.db")),
                              .clock = clock,
                              .durability = Durability::normal});
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  std::unique_ptr<Engine> engine = std::move(opened).value();
  REQUIRE(engine->register_lifecycle(gig_lifecycle()).ok());
  REQUIRE(engine
              ->register_guard("gig_gate", [](const Job&, std::optional<PartyId>,
                                              const FireTransition&) { return ok_status(); })
              .ok());
  const Market market = engine->create_market(gig_market()).value();
  Party row;
  row.market_id = market.id;
  row.kind = "agent";
  const PartyId poster = engine->register_party(row).value().id;
  REQUIRE(engine->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 100}).ok());
  const Job job =
      engine->create_job({.market_id = market.id, .poster_id = poster, .amount_minor = 10})
          .value()
          .job;

  std::mutex mutex;
  std::condition_variable ran;
  std::vector<SchedulerRun> runs;
  std::unique_ptr<Scheduler> scheduler =
      Scheduler::launch(*engine, {.poll_interval_ms = 60'000,
                                  .on_run =
                                      [&](const SchedulerRun& run) {
                                        std::lock_guard lock(mutex);
                                        runs.push_back(run);
                                        ran.notify_all();
                                      },
                                  .wake_on_advance = clock});
  CHECK(scheduler->start().detail() == "scheduler_running");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // asleep until a minute passes
  CHECK(engine->job(job.id)->state == "open");

  clock->advance_ms(kMillisecondsPerHour);
  {
    std::unique_lock lock(mutex);
    REQUIRE(ran.wait_for(lock, std::chrono::seconds(10), [&] { return !runs.empty(); }));
    CHECK(runs.front().status.ok());
    CHECK(runs.front().processed >= 1);
    CHECK(runs.front().stuck == 0);
  }
  CHECK(engine->job(job.id)->state == "refunded");
  CHECK(engine->balances(market.id, poster)->available_minor == 100);
  scheduler->stop();
  scheduler->stop();  // idempotent
}

}  // namespace mc::test
