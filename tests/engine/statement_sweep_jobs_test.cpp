// Statement fault sweeps (statement_sweep.h) over jobs: creation (funded, with an idempotency
// key and its replay, with a follow-up transition, direct hire with an evaluator), every
// transition of the gig lifecycle (accept, submit, approve, cancel, a verify group, idempotent
// firing and its replay), offers, appended events, and the job reads (job, jobs, history,
// holds, the visibility views, events). Each store statement of each call fails in turn: the
// call returns the store's error and changes nothing; with no fault reached it succeeds.
#include <doctest/doctest.h>

#include "engine/statement_sweep.h"

namespace mc::test {
namespace {

Status status_of(const auto& result) {
  return result.status();
}

CreateJob gig_job(const SweepFixture& f, PartyId poster, int64_t amount_minor) {
  return {
      .market_id = f.market.id, .poster_id = poster, .amount_minor = amount_minor, .title = "t"};
}

// Sweeps firing `transition` of `job` and returns the job after the successful run.
Job sweep_fire(SweepFixture& f, JobId job, const std::string& transition,
               std::optional<PartyId> actor, const std::string& expected_state) {
  sweep(f, "fire " + transition, [&] { return status_of(f.fire(job, transition, actor)); });
  Job after = f.engine->job(job).value();
  CHECK(after.state == expected_state);
  return after;
}

TEST_CASE("statement sweep: job creation and the gig transitions") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  const PartyId evaluator = f.party();

  JobId job = 0;
  sweep(f, "create_job (funded)", [&] {
    auto created = f.engine->create_job(gig_job(f, poster, 100));
    if (created.ok()) job = created->job.id;
    return created.status();
  });
  CHECK(f.balances(poster).escrow_minor == 100);
  sweep_fire(f, job, "accept", worker, "taken");
  sweep(f, "fire submit (proof)", [&] {
    FireTransition request{.job_id = job,
                           .transition = "submit",
                           .actor_id = worker,
                           .result_text = "done",
                           .proof_json = R"({"url":"https://example.com/r"})"};
    return status_of(f.engine->fire(request));
  });
  sweep_fire(f, job, "approve", poster, "done");
  CHECK(f.balances(worker).available_minor == 90);

  CreateJob keyed = gig_job(f, poster, 50);
  keyed.idempotency = IdempotencyKey{"party:poster", "job-1"};
  sweep(f, "create_job (idempotency key)", [&] { return status_of(f.engine->create_job(keyed)); });
  sweep(f, "create_job (idempotent replay)", [&] {
    auto created = f.engine->create_job(keyed);
    if (created.ok()) CHECK(created->replayed);
    return created.status();
  });
  const JobId keyed_job = f.engine->jobs({.market_id = f.market.id, .state = "open"})->at(0).id;
  FireTransition cancel{.job_id = keyed_job,
                        .transition = "cancel",
                        .actor_id = poster,
                        .idempotency = IdempotencyKey{"party:poster", "cancel-1"}};
  sweep(f, "fire cancel (idempotency key)", [&] { return status_of(f.engine->fire(cancel)); });
  sweep(f, "fire cancel (idempotent replay)", [&] {
    auto fired = f.engine->fire(cancel);
    if (fired.ok()) CHECK(fired->replayed);
    return fired.status();
  });

  CreateJob then_cancel = gig_job(f, poster, 40);
  then_cancel.then_fire = "cancel";
  sweep(f, "create_job (then_fire)", [&] {
    auto created = f.engine->create_job(then_cancel);
    if (created.ok()) CHECK(created->job.state == "refunded");
    return created.status();
  });

  CreateJob hire = gig_job(f, poster, 60);
  hire.worker_id = worker;
  hire.evaluator_id = evaluator;
  JobId hired = 0;
  sweep(f, "create_job (direct hire, evaluator)", [&] {
    auto created = f.engine->create_job(hire);
    if (created.ok()) hired = created->job.id;
    return created.status();
  });
  f.fire(hired, "accept", worker).value();
  f.fire(hired, "submit", worker).value();
  sweep(f, "fire verify group (platform, confidence)", [&] {
    FireTransition request{
        .job_id = hired, .transition = "verify", .as_platform = true, .confidence = 40};
    auto fired = f.engine->fire(request);
    if (fired.ok()) CHECK(fired->fired == "verify_fail");
    return fired.status();
  });
  CHECK(f.engine->job(hired)->state == "refunded");
  f.verify();
}

TEST_CASE("statement sweep: offers, appended events and job reads") {
  if (!sweeps_supported()) return;
  SweepFixture f;
  const PartyId poster = f.party(1000);
  const PartyId worker = f.party();
  const Job job = f.post(poster, 100);

  sweep(f, "submit_offer",
        [&] { return status_of(f.engine->submit_offer({.job_id = job.id, .party_id = worker})); });
  sweep(f, "submit_offer (pending again)",
        [&] { return status_of(f.engine->submit_offer({.job_id = job.id, .party_id = worker})); });
  sweep(f, "offers", [&] { return status_of(f.engine->offers(job.id)); });
  sweep(f, "withdraw_offer", [&] { return f.engine->withdraw_offer(job.id, worker); });
  CHECK(f.engine->offers(job.id)->at(0).status == "WITHDRAWN");
  sweep(f, "withdraw_offer (withdrawn)", [&] { return f.engine->withdraw_offer(job.id, worker); });

  sweep(f, "append_job_event",
        [&] { return status_of(f.engine->append_job_event(job.id, "job.noted", R"({"n":1})")); });
  f.fire(job.id, "accept", worker).value();
  sweep(f, "append_job_event (rules)", [&] {
    return status_of(
        f.engine->append_job_event(job.id, "job.snapshot", "{}",
                                   Engine::JobEventRules{.worker = worker, .states = {"taken"}}));
  });

  sweep(f, "job", [&] { return status_of(f.engine->job(job.id)); });
  sweep(f, "jobs", [&] { return status_of(f.engine->jobs({.market_id = f.market.id})); });
  sweep(f, "job_history", [&] { return status_of(f.engine->job_history(job.id)); });
  sweep(f, "job_holds", [&] { return status_of(f.engine->job_holds(job.id)); });
  sweep(f, "job_as_seen_by",
        [&] { return status_of(f.engine->job_as_seen_by(job.id, JobViewer::of_party(worker))); });
  sweep(f, "jobs_as_seen_by", [&] {
    return status_of(f.engine->jobs_as_seen_by({.market_id = f.market.id}, JobViewer{}));
  });
  sweep(f, "events", [&] { return status_of(f.engine->events({.market_id = f.market.id})); });
  f.verify();
}

}  // namespace
}  // namespace mc::test
