// Scenario: the AgentMarket market (seed 002) through the Engine — the budget leaves the
// poster at posting, accept, complete (90 % worker / 10 % platform), and the exits the seed
// leaves out: cancel while open, expiry of an open task after 30 days, timeout of an assigned
// task after 24 hours. The ledger is verified after every step.
#include <doctest/doctest.h>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

mc::CreateJob task(mc::PartyId poster, int64_t budget) {
  return {.poster_id = poster,
          .amount_minor = budget,
          .title = "Summarize this research paper",
          .description = "Full text of the paper...",
          .capabilities = {"research", "summarization"}};
}

}  // namespace

TEST_CASE("scenario agentmarket: the seed's example, 100 → 75 at posting, worker earns 22") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::PartyId worker = s.party({.available_minor = 85});
  const mc::Job open = s.create(task(poster, 25));
  CHECK(open.state == "open");
  CHECK(s.available(poster) == 75);
  const mc::Job assigned = s.fire_ok(open.id, "accept", worker);
  CHECK(assigned.state == "assigned");
  s.fire_refused(open.id, "accept", s.party(), "wrong_state");
  s.fire_refused(open.id, "cancel", poster, "wrong_state");
  mc::FireTransition complete{.job_id = open.id, .transition = "complete", .actor_id = worker};
  complete.result_text = "Here is the completed summary...";
  CHECK(s.fire_ok(complete).state == "completed");
  CHECK(s.available(worker) == 85 + 22);
  CHECK(s.available(poster) == 75);
}

TEST_CASE("scenario agentmarket: cancel while open refunds the budget") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::Job open = s.create(task(poster, 40));
  s.fire_refused(open.id, "cancel", s.party(), "role_not_allowed");
  CHECK(s.fire_ok(open.id, "cancel", poster).state == "cancelled");
  CHECK(s.available(poster) == 100);
}

TEST_CASE("scenario agentmarket: an open task expires after 30 days") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::Job open = s.create(task(poster, 60));
  s.advance_ms(30 * mc::kMillisecondsPerDay - 1);
  CHECK(s.job(open.id).state == "open");
  s.advance_ms(1);
  CHECK(s.job(open.id).state == "expired");
  CHECK(s.available(poster) == 100);
}

TEST_CASE("scenario agentmarket: an assigned task not completed in 24 h is refunded") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::PartyId worker = s.party();
  const mc::Job open = s.create(task(poster, 60));
  s.fire_ok(open.id, "accept", worker);
  s.advance_ms(24 * mc::kMillisecondsPerHour);
  CHECK(s.job(open.id).state == "expired");
  CHECK(s.available(poster) == 100);
  s.fire_refused(open.id, "complete", worker, "wrong_state");
  CHECK(s.available(worker) == 0);
}

TEST_CASE("scenario agentmarket: direct execution pays, fails, or times out into a refund") {
  Scenario s("agentmarket");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::PartyId hired = s.party();
  auto hire = [&] {
    mc::CreateJob request = task(poster, 15);
    request.worker_id = hired;
    const mc::Job job = s.create(request);
    CHECK(s.fire_ok(job.id, "start_execution", poster).state == "executing");
    return job;
  };
  const mc::Job delivered = hire();
  mc::FireTransition deliver{.job_id = delivered.id, .transition = "deliver_execution"};
  deliver.as_platform = true;
  deliver.result_text = "Packets flow like streams...";
  CHECK(s.fire_ok(deliver).state == "completed");
  CHECK(s.available(hired) == 13);
  CHECK(s.available(poster) == 85);

  const mc::Job failed = hire();
  mc::FireTransition fail{.job_id = failed.id, .transition = "fail_execution"};
  fail.as_platform = true;
  CHECK(s.fire_ok(fail).state == "failed");
  CHECK(s.available(poster) == 85);

  const mc::Job stranded = hire();
  s.advance_ms(10 * mc::kMillisecondsPerMinute);
  CHECK(s.job(stranded.id).state == "failed");
  CHECK(s.available(poster) == 85);
  CHECK(s.available(hired) == 13);
}
