// Tests of the lifecycle interpreter through the Engine API, on the custom "gig" lifecycle of
// engine_fixture.h: money moves per the locked quote, every refusal is typed and leaves no
// trace, timers fire in time order, events and history follow every transition.
#include <doctest/doctest.h>

#include "engine/engine_fixture.h"

namespace mc::test {
namespace {

void check_refused(const Result<JobOutcome>& outcome, Code code, const std::string& detail) {
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.status().code() == code);
  CHECK(outcome.status().detail() == detail);
}

}  // namespace

TEST_CASE("engine: create funds escrow, accept, submit, approve pays worker and fee") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 45);
  CHECK(job.state == "open");
  CHECK(job.fees.worker_minor == 40);  // 10 % fee rounded up: 5 → worker 40
  CHECK(job.fees.platform_fee_minor == 5);
  CHECK(job.expires_at_ms == kStartMs + kMillisecondsPerHour);
  CHECK(f.balances(poster).available_minor == 55);
  CHECK(f.balances(poster).escrow_minor == 45);
  f.verify();

  auto accepted = f.fire(job.id, "accept", worker);
  REQUIRE_MESSAGE(accepted.ok(), accepted.status().to_string());
  CHECK(accepted->job.worker_id == worker);
  CHECK(accepted->job.accepted_at_ms == kStartMs);
  FireTransition submit{.job_id = job.id, .transition = "submit", .actor_id = worker};
  submit.result_text = "done";
  submit.proof_json = R"({"url":"https://example.com"})";
  auto submitted = f.engine->fire(submit);
  REQUIRE(submitted.ok());
  CHECK(submitted->job.result_text == "done");
  CHECK(submitted->job.submitted_at_ms == kStartMs);
  auto approved = f.fire(job.id, "approve", poster);
  REQUIRE(approved.ok());
  CHECK(approved->job.state == "done");
  CHECK(approved->job.completed_at_ms == kStartMs);
  CHECK(f.balances(worker).available_minor == 40);
  CHECK(f.balances(poster).available_minor == 55);
  CHECK(f.balances(poster).escrow_minor == 0);
  f.verify();

  auto history = f.engine->job_history(job.id);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 4);
  CHECK((*history)[0].transition == "create");
  CHECK((*history)[3].transition == "approve");
  CHECK((*history)[3].actor_role == "poster");
}

TEST_CASE("engine: refusals are typed and change nothing") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const PartyId other = f.party();
  const Job job = f.post(poster, 10);
  const int64_t events_before = f.event_count();
  check_refused(f.fire(job.id, "approve", poster), Code::failed_precondition, "wrong_state");
  check_refused(f.fire(job.id, "accept", poster), Code::permission_denied, "role_not_allowed");
  check_refused(f.fire(job.id, "cancel", worker), Code::permission_denied, "role_not_allowed");
  check_refused(f.fire(job.id, "expire", worker), Code::permission_denied, "role_not_allowed");
  check_refused(f.fire(job.id, "fly", worker), Code::not_found, "transition_not_found");
  check_refused(f.fire(job.id + 99, "accept", worker), Code::not_found, "job_not_found");
  check_refused(f.fire(job.id, "accept", 424242), Code::not_found, "party_not_found");
  FireTransition blocked{.job_id = job.id, .transition = "accept", .actor_id = worker};
  blocked.result_text = "blocked";
  check_refused(f.engine->fire(blocked), Code::failed_precondition, "blocked_by_host");
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  check_refused(f.fire(job.id, "accept", other), Code::failed_precondition, "wrong_state");
  check_refused(f.fire(job.id, "submit", other), Code::permission_denied, "role_not_allowed");
  CHECK(f.event_count() == events_before + 1);  // only the accept wrote an event
  auto stored = f.engine->job(job.id);
  REQUIRE(stored.ok());
  CHECK(stored->worker_id == worker);
  CHECK(stored->version == job.version + 1);
  f.verify();
}

TEST_CASE("engine: insufficient funds refuses the job and writes nothing") {
  EngineFixture f;
  const PartyId poster = f.party(9, 0);
  auto created =
      f.engine->create_job({.market_id = f.market.id, .poster_id = poster, .amount_minor = 10});
  REQUIRE_FALSE(created.ok());
  CHECK(created.status().code() == Code::failed_precondition);
  CHECK(created.status().detail() == "insufficient_funds");
  auto jobs = f.engine->jobs({.market_id = f.market.id});
  REQUIRE(jobs.ok());
  CHECK(jobs->empty());
  CHECK(f.balances(poster).available_minor == 9);
  f.verify();
}

TEST_CASE("engine: promo credit is spent first and a refund returns it as promo") {
  EngineFixture f;
  const PartyId poster = f.party(20, 15);
  const Job job = f.post(poster, 25);
  CHECK(f.balances(poster).promo_minor == 0);
  CHECK(f.balances(poster).available_minor == 10);
  CHECK(f.balances(poster).escrow_minor == 25);
  REQUIRE(f.fire(job.id, "cancel", poster).ok());
  CHECK(f.balances(poster).promo_minor == 15);
  CHECK(f.balances(poster).available_minor == 20);
  f.verify();
}

TEST_CASE("engine: promo and cash escrow both pay the worker") {
  EngineFixture f;
  const PartyId poster = f.party(20, 15);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 30);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  REQUIRE(f.fire(job.id, "submit", worker).ok());
  REQUIRE(f.fire(job.id, "approve", poster).ok());
  CHECK(f.balances(worker).available_minor == 27);
  CHECK(f.balances(poster).available_minor == 5);
  CHECK(f.balances(poster).promo_minor == 0);
  f.verify();
}

TEST_CASE("engine: timers fire in order and a stale timer is dropped") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const Job open_job = f.post(poster, 10);
  f.clock->advance_ms(10 * kMillisecondsPerMinute);
  const Job taken_job = f.post(poster, 20);
  REQUIRE(f.fire(taken_job.id, "accept", worker).ok());
  auto next = f.engine->next_due_at_ms();
  REQUIRE(next.ok());
  CHECK(*next == kStartMs + kMillisecondsPerHour);
  auto processed = f.engine->advance_ms(55 * kMillisecondsPerMinute);  // the first is due
  REQUIRE_MESSAGE(processed.ok(), processed.status().to_string());
  CHECK(*processed == 1);
  CHECK(f.engine->job(open_job.id)->state == "refunded");
  CHECK(f.engine->job(taken_job.id)->state == "taken");
  REQUIRE(f.fire(taken_job.id, "submit", worker).ok());
  CHECK(f.engine->job(taken_job.id)->state == "submitted");
  REQUIRE(f.engine->advance_ms(kMillisecondsPerDay).ok());
  CHECK(f.engine->job(taken_job.id)->state == "done");
  CHECK(f.balances(worker).available_minor == 18);
  CHECK(f.balances(poster).available_minor == 80);
  f.verify();
  auto nothing = f.engine->next_due_at_ms();
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->has_value());
}

TEST_CASE("engine: before_expiry refuses once the state's time ran out") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 10);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  f.clock->advance_ms(kMillisecondsPerHour);  // due, but run_due not called yet
  check_refused(f.fire(job.id, "submit", worker), Code::failed_precondition, "expired");
  REQUIRE(f.engine->run_due().ok());
  CHECK(f.engine->job(job.id)->state == "refunded");
  CHECK(f.balances(poster).available_minor == 100);
  f.verify();
}

TEST_CASE("engine: a settlement hold shows as pending, then releases to available") {
  EngineFixture f(3 * kMillisecondsPerDay);
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 50);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  REQUIRE(f.fire(job.id, "submit", worker).ok());
  REQUIRE(f.fire(job.id, "approve", poster).ok());
  CHECK(f.balances(worker).pending_minor == 45);
  CHECK(f.balances(worker).available_minor == 0);
  f.verify();
  REQUIRE(f.engine->advance_ms(3 * kMillisecondsPerDay - 1).ok());
  CHECK(f.balances(worker).pending_minor == 45);
  REQUIRE(f.engine->advance_ms(1).ok());
  CHECK(f.balances(worker).pending_minor == 0);
  CHECK(f.balances(worker).available_minor == 45);
  f.verify();
}

TEST_CASE("engine: a group fires its first passing member") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  for (int32_t confidence : {95, 40}) {
    const Job job = f.post(poster, 10);
    REQUIRE(f.fire(job.id, "accept", worker).ok());
    REQUIRE(f.fire(job.id, "submit", worker).ok());
    FireTransition verify{.job_id = job.id, .transition = "verify", .as_platform = true};
    check_refused(f.engine->fire(verify), Code::invalid_argument, "confidence_required");
    verify.confidence = confidence;
    auto outcome = f.engine->fire(verify);
    REQUIRE_MESSAGE(outcome.ok(), outcome.status().to_string());
    CHECK(outcome->fired == (confidence >= 90 ? "verify_pass" : "verify_fail"));
    CHECK(outcome->job.state == (confidence >= 90 ? "done" : "refunded"));
  }
  CHECK(f.balances(worker).available_minor == 9);
  CHECK(f.balances(poster).available_minor == 90);
  f.verify();
}

TEST_CASE("engine: events carry the job and a balance.updated per party moved") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  auto cursor = f.engine->events({});
  REQUIRE(cursor.ok());
  const int64_t after = cursor->empty() ? 0 : cursor->back().sequence;
  const Job job = f.post(poster, 10);
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  auto events = f.engine->events({.after_sequence = after});
  REQUIRE(events.ok());
  REQUIRE(events->size() == 3);
  CHECK((*events)[0].type == "job.posted");
  CHECK((*events)[0].broadcast);
  CHECK((*events)[0].job_id == job.id);
  CHECK((*events)[0].payload_json.find("\"state\":\"open\"") != std::string::npos);
  CHECK((*events)[1].type == "balance.updated");
  CHECK((*events)[1].party_ids == std::vector<PartyId>{poster});
  CHECK((*events)[2].type == "job.accepted");
  CHECK((*events)[2].party_ids == std::vector<PartyId>{poster, worker});
  auto mine = f.engine->events({.after_sequence = after, .party_id = worker});
  REQUIRE(mine.ok());
  CHECK(mine->size() == 2);  // the broadcast job.posted and job.accepted
}

TEST_CASE("engine: an outcome carries the balances its transition changed") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  CreateJob create{.market_id = f.market.id, .poster_id = poster, .amount_minor = 10};
  create.idempotency = IdempotencyKey{"party:poster", "create-balances"};
  auto created = f.engine->create_job(create);
  REQUIRE(created.ok());
  REQUIRE(created->balances.size() == 1);
  CHECK(created->balances.at(poster).available_minor == 90);
  CHECK(created->balances.at(poster).escrow_minor == 10);
  auto replayed = f.engine->create_job(create);
  REQUIRE(replayed.ok());
  CHECK(replayed->replayed);
  CHECK(replayed->balances.empty());  // a replay moved nothing

  auto accepted = f.fire(created->job.id, "accept", worker);
  REQUIRE(accepted.ok());
  CHECK(accepted->balances.empty());  // accept moves no money in the gig lifecycle
  REQUIRE(f.fire(created->job.id, "submit", worker).ok());
  auto approved = f.fire(created->job.id, "approve", poster);
  REQUIRE(approved.ok());
  CHECK(approved->balances.at(worker).available_minor == f.balances(worker).available_minor);
  CHECK(approved->balances.at(worker).available_minor == 9);  // 10 less the 10 % fee
  CHECK(approved->balances.at(poster).escrow_minor == 0);
  f.verify();
}

TEST_CASE("engine: a reported job event is checked against its rules inside the write") {
  EngineFixture f;
  const PartyId poster = f.party(100);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 10);
  const Engine::JobEventRules by_worker_while_taken{.worker = worker, .states = {"taken"}};
  const int64_t before = f.event_count();
  auto unassigned = f.engine->append_job_event(job.id, "job.report", "{}", by_worker_while_taken);
  CHECK(unassigned.status().detail() == "role_not_allowed");  // no worker yet
  REQUIRE(f.fire(job.id, "accept", worker).ok());
  const int64_t accepted = f.event_count();
  CHECK(accepted > before);
  auto stranger = f.engine->append_job_event(job.id, "job.report", "{}",
                                             {.worker = poster, .states = {"taken"}});
  CHECK(stranger.status().detail() == "role_not_allowed");
  auto too_late = f.engine->append_job_event(job.id, "job.report", "{}",
                                             {.worker = worker, .states = {"submitted"}});
  CHECK(too_late.status().detail() == "wrong_state");
  CHECK(f.event_count() == accepted);  // refusals appended nothing
  auto reported =
      f.engine->append_job_event(job.id, "job.report", "{\"v\":1}", by_worker_while_taken);
  REQUIRE(reported.ok());
  CHECK(reported->party_ids == std::vector<PartyId>{poster, worker});
  CHECK(f.event_count() == accepted + 1);
}

TEST_CASE("engine: a host lifecycle must be valid and unique") {
  EngineFixture f;
  auto again = f.engine->register_lifecycle(gig_lifecycle());
  CHECK(again.code() == Code::already_exists);
  LifecycleDefinition broken = gig_lifecycle();
  broken.name = "broken";
  broken.timers.clear();
  CHECK(f.engine->register_lifecycle(broken).code() == Code::invalid_argument);
  CHECK(f.engine->lifecycle("gig").ok());
  CHECK(f.engine->lifecycle("nope").status().code() == Code::not_found);
  MarketConfig config = gig_market("bad");
  config.lifecycle = "nope";
  CHECK(f.engine->create_market(config).status().detail() == "unknown_lifecycle");
  CHECK(f.engine->create_market(gig_market("gig")).status().detail() == "market_exists");
  auto ensured = f.engine->ensure_market(gig_market("gig"));
  REQUIRE(ensured.ok());
  CHECK(ensured->id == f.market.id);
}

}  // namespace mc::test
