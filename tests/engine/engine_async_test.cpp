// create_job_async and fire_async: the same outcomes, refusals, replays and ledger as the
// waiting calls, whichever store runs them (on SQLite the writer's own thread completes them;
// the PostgreSQL store completes them on the caller's thread), and no completion is lost.
#include <future>
#include <thread>
#include <vector>

#include "engine/engine_fixture.h"

using mc::test::EngineFixture;

namespace {

// Runs an asynchronous call and waits for its completion.
template <typename Start>
mc::Result<mc::JobOutcome> await(Start start) {
  std::promise<mc::Result<mc::JobOutcome>> promise;
  std::future<mc::Result<mc::JobOutcome>> future = promise.get_future();
  start([&promise](mc::Result<mc::JobOutcome> outcome) { promise.set_value(std::move(outcome)); });
  return future.get();
}

mc::Result<mc::JobOutcome> create_async(EngineFixture& fx, const mc::CreateJob& request) {
  return await([&](auto done) { fx.engine->create_job_async(request, std::move(done)); });
}

mc::Result<mc::JobOutcome> fire_async(EngineFixture& fx, const mc::FireTransition& request) {
  return await([&](auto done) { fx.engine->fire_async(request, std::move(done)); });
}

}  // namespace

TEST_CASE("async engine calls: a job's lifecycle with the waiting calls' outcomes") {
  EngineFixture fx;
  const mc::PartyId poster = fx.party(1'000);
  const mc::PartyId worker = fx.party();
  mc::Result<mc::JobOutcome> created = create_async(
      fx, {.market_id = fx.market.id, .poster_id = poster, .amount_minor = 100, .title = "t"});
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  CHECK(created->job.state == "open");
  CHECK_FALSE(created->replayed);
  // The write's own balances: the poster's after the escrow.
  REQUIRE(created->balances.count(poster) == 1);
  CHECK(created->balances.at(poster).available_minor == 900);
  CHECK(fx.balances(poster).available_minor == 900);

  const mc::JobId job = created->job.id;
  mc::Result<mc::JobOutcome> accepted =
      fire_async(fx, {.job_id = job, .transition = "accept", .actor_id = worker});
  REQUIRE_MESSAGE(accepted.ok(), accepted.status().to_string());
  CHECK(accepted->job.state == "taken");
  CHECK(accepted->job.worker_id == worker);
  mc::FireTransition submit{.job_id = job, .transition = "submit", .actor_id = worker};
  submit.proof_json = R"({"url":"https://example.com/proof"})";
  REQUIRE(fire_async(fx, submit).ok());
  mc::Result<mc::JobOutcome> approved =
      fire_async(fx, {.job_id = job, .transition = "approve", .actor_id = poster});
  REQUIRE_MESSAGE(approved.ok(), approved.status().to_string());
  CHECK(approved->job.state == "done");
  CHECK(fx.balances(worker).available_minor == 90);  // the gig market's 10 % fee
  REQUIRE(approved->balances.count(worker) == 1);
  CHECK(approved->balances.at(worker).available_minor == 90);
  fx.verify();
}

TEST_CASE("async engine calls: refusals before and inside the write change nothing") {
  EngineFixture fx;
  const mc::PartyId poster = fx.party(50);
  const mc::PartyId stranger = fx.party();
  const int64_t events_before = fx.event_count();

  // Malformed: refused before any write, and completed before the call returns.
  bool called = false;
  mc::Status early;
  fx.engine->fire_async({.job_id = 1, .transition = "", .actor_id = poster},
                        [&](mc::Result<mc::JobOutcome> outcome) {
                          called = true;
                          early = outcome.status();
                        });
  CHECK(called);
  CHECK(early.detail() == "transition_empty");

  // Refused inside the write: more than the poster holds.
  mc::Result<mc::JobOutcome> broke = create_async(
      fx, {.market_id = fx.market.id, .poster_id = poster, .amount_minor = 500, .title = "t"});
  CHECK(broke.status().code() == mc::Code::failed_precondition);
  CHECK(broke.status().detail() == "insufficient_funds");

  // Refused by the lifecycle: only the poster cancels.
  const mc::Job job = fx.post(poster, 20);
  mc::Result<mc::JobOutcome> cancel =
      fire_async(fx, {.job_id = job.id, .transition = "cancel", .actor_id = stranger});
  CHECK(cancel.status().code() == mc::Code::permission_denied);
  CHECK(fx.engine->job(job.id)->state == "open");
  CHECK(fx.balances(poster).available_minor == 30);
  CHECK(fx.event_count() > events_before);  // the one job posted, nothing of the refusals
  fx.verify();
}

TEST_CASE("async engine calls: a keyed repeat replays, a different request is refused") {
  EngineFixture fx;
  const mc::PartyId poster = fx.party(1'000);
  mc::CreateJob request{
      .market_id = fx.market.id, .poster_id = poster, .amount_minor = 100, .title = "t"};
  request.idempotency = mc::IdempotencyKey{.scope = "poster", .key = "k1"};
  mc::Result<mc::JobOutcome> first = create_async(fx, request);
  REQUIRE(first.ok());
  mc::Result<mc::JobOutcome> again = create_async(fx, request);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->job.id == first->job.id);
  CHECK(fx.balances(poster).available_minor == 900);  // escrowed once
  request.amount_minor = 200;
  CHECK(create_async(fx, request).status().detail() == "idempotency_key_reused");
  fx.verify();
}

TEST_CASE("async engine calls: many in flight from several threads all complete") {
  EngineFixture fx;
  constexpr int kThreads = 4;
  constexpr int kJobsPerThread = 25;
  std::vector<mc::PartyId> posters;
  for (int i = 0; i < kThreads; ++i) posters.push_back(fx.party(10'000));
  std::atomic<int> ok{0};
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kJobsPerThread; ++i) {
        fx.engine->create_job_async(
            {.market_id = fx.market.id, .poster_id = posters[t], .amount_minor = 10, .title = "t"},
            [&](mc::Result<mc::JobOutcome> outcome) {
              ok += outcome.ok() ? 1 : 0;
              ++calls;
            });
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  fx.engine->wait_for_async_writes();
  CHECK(calls == kThreads * kJobsPerThread);
  CHECK(ok == kThreads * kJobsPerThread);
  for (mc::PartyId poster : posters) {
    CHECK(fx.balances(poster).available_minor == 10'000 - 10 * kJobsPerThread);
  }
  fx.verify();
}
