// Scenario: the j0 market (seed 001) through the Engine — post (promo credits first), first
// accept wins, complete before the work timeout (worker earns floor(90 %)), and every exit:
// cancel before acceptance, expiry 7 minutes after posting, timeout after acceptance. The
// ledger is verified after every step.
#include <doctest/doctest.h>

#include "marketcore/clock.h"
#include "scenarios/scenario_fixture.h"

namespace {

using mc::scenario::Scenario;

mc::CreateJob j0_job(mc::PartyId poster, int64_t credits, int64_t timeout_s = 30) {
  return {.poster_id = poster,
          .amount_minor = credits,
          .prompt = "Summarize the attached paper in three bullet points.",
          .category = "opus",
          .work_timeout_ms = timeout_s * mc::kMillisecondsPerSecond};
}

}  // namespace

TEST_CASE("scenario j0: post, first accept wins, complete pays floor(90 %)") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 70, .promo_minor = 5});
  const mc::PartyId worker = s.party();
  const mc::PartyId late = s.party();
  const mc::Job posted = s.create(j0_job(poster, 15));
  CHECK(posted.state == "posted");
  CHECK(s.balances(poster).promo_minor == 0);  // promo spent first
  CHECK(s.available(poster) == 60);
  CHECK(s.balances(poster).escrow_minor == 15);

  s.fire_refused(posted.id, "accept", poster, "role_not_allowed");  // not one's own job
  const mc::Job accepted = s.fire_ok(posted.id, "accept", worker);
  CHECK(accepted.state == "accepted");
  CHECK(accepted.worker_id == worker);
  CHECK(accepted.expires_at_ms == mc::scenario::kStartMs + 30'000);
  s.fire_refused(posted.id, "accept", late, "wrong_state");  // first accept won
  s.fire_refused(posted.id, "cancel", poster, "wrong_state");
  s.fire_refused(posted.id, "complete", late, "role_not_allowed");

  s.advance_ms(29'000);
  mc::FireTransition complete{.job_id = posted.id, .transition = "complete", .actor_id = worker};
  complete.result_text = "- one\n- two\n- three";
  const mc::Job completed = s.fire_ok(complete);
  CHECK(completed.state == "completed");
  CHECK(completed.result_text == "- one\n- two\n- three");
  CHECK(s.available(worker) == 13);  // floor(15 × 0.9)
  CHECK(s.balances(poster).escrow_minor == 0);
  CHECK(s.available(poster) == 60);
  s.advance_ms(mc::kMillisecondsPerDay);  // no timer left to move it
  CHECK(s.job(posted.id).state == "completed");
}

TEST_CASE("scenario j0: cancel before acceptance refunds in full, promo as promo") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 20, .promo_minor = 10});
  const mc::Job posted = s.create(j0_job(poster, 25));
  s.fire_refused(posted.id, "cancel", s.party(), "role_not_allowed");
  const mc::Job cancelled = s.fire_ok(posted.id, "cancel", poster);
  CHECK(cancelled.state == "cancelled");
  CHECK(s.available(poster) == 20);
  CHECK(s.balances(poster).promo_minor == 10);
  s.fire_refused(posted.id, "accept", s.party(), "wrong_state");
}

TEST_CASE("scenario j0: an unaccepted job expires 7 minutes after posting into timeout") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 100});
  const mc::Job posted = s.create(j0_job(poster, 100));
  CHECK(posted.expires_at_ms == mc::scenario::kStartMs + 7 * mc::kMillisecondsPerMinute);
  s.advance_ms(7 * mc::kMillisecondsPerMinute - 1);
  CHECK(s.job(posted.id).state == "posted");
  s.advance_ms(1);
  const mc::Job expired = s.job(posted.id);
  CHECK(expired.state == "timeout");
  CHECK(s.available(poster) == 100);
  s.fire_refused(posted.id, "accept", s.party(), "wrong_state");
}

TEST_CASE("scenario j0: accepted work not completed within timeout_sec times out") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 50});
  const mc::PartyId worker = s.party();
  const mc::Job posted = s.create(j0_job(poster, 50, 10));
  s.advance_ms(6 * mc::kMillisecondsPerMinute);  // accepted just before the expiry
  s.fire_ok(posted.id, "accept", worker);
  s.advance_ms(10'000);
  CHECK(s.job(posted.id).state == "timeout");
  CHECK(s.available(poster) == 50);
  CHECK(s.available(worker) == 0);
  s.fire_refused(posted.id, "complete", worker, "wrong_state");
}

TEST_CASE("scenario j0: bounds of the market are enforced at posting") {
  Scenario s("j0");
  const mc::PartyId poster = s.party({.available_minor = 1000});
  mc::CreateJob small = j0_job(poster, 4);
  small.market_id = s.market.id;
  CHECK(s.engine->create_job(small).status().code() == mc::Code::invalid_argument);
  mc::CreateJob slow = j0_job(poster, 10, 61);
  slow.market_id = s.market.id;
  CHECK(s.engine->create_job(slow).status().code() == mc::Code::invalid_argument);
  mc::CreateJob poor = j0_job(s.party({.available_minor = 4}), 5);
  poor.market_id = s.market.id;
  CHECK(s.engine->create_job(poor).status().detail() == "insufficient_funds");
  s.verify();
}
