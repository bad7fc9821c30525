// Jobs in the SQLite store: every field round-trips, list filters and counts, history, and
// the status-guarded update (a stale state or version is a conflict that writes nothing).
#include "store/store_fixture.h"

using mc::Code;
using mc::Job;
using mc::JobQuery;
using mc::store::Reader;
using mc::store::Transaction;
using mc::store::testing::StoreFixture;

namespace {

Job full_job(mc::MarketId market, mc::PartyId poster) {
  Job job;
  job.market_id = market;
  job.lifecycle = "j0";
  job.state = "posted";
  job.poster_id = poster;
  job.evaluator_id = 5;
  job.amount_minor = 2500;
  job.fees = {.amount_minor = 2500,
              .platform_fee_bps = 1800,
              .platform_fee_minor = 450,
              .evaluator_fee_minor = 0,
              .worker_minor = 2500,
              .escrow_minor = 2950};
  job.title = "Photograph a storefront";
  job.description = "line one\nline \"two\"";
  job.prompt = "secret prompt";
  job.category = "photo";
  job.capabilities = {"camera", "walk"};
  job.deadline_at_ms = 1'700'000'100'000;
  job.work_timeout_ms = 600'000;
  job.contracts_max = 3;
  job.contracts_taken = 1;
  job.payload_json = R"({"location":{"lat":1.5}})";
  job.result_text = "";
  job.proof_json = "";
  job.verdict_json = "";
  job.expires_at_ms = 1'700'000'050'000;
  return job;
}

}  // namespace

TEST_CASE("store: a job round-trips every field") {
  StoreFixture fx;
  const mc::PartyId poster = fx.add_party();
  Job job = full_job(fx.market, poster);
  job.id = fx.write_value<mc::JobId>([&](Transaction& tx) { return tx.insert_job(job); });
  Job got = fx.read_value<Job>([&](Reader& r) { return r.job(job.id); });
  CHECK(got.market_id == fx.market);
  CHECK(got.lifecycle == "j0");
  CHECK(got.state == "posted");
  CHECK(got.poster_id == poster);
  CHECK_FALSE(got.worker_id.has_value());
  CHECK(got.evaluator_id == 5);
  CHECK(got.fees.platform_fee_bps == 1800);
  CHECK(got.fees.platform_fee_minor == 450);
  CHECK(got.fees.escrow_minor == 2950);
  CHECK(got.fees.worker_minor == 2500);
  CHECK(got.description == job.description);
  CHECK(got.prompt == job.prompt);
  CHECK(got.capabilities == job.capabilities);
  CHECK(got.deadline_at_ms == job.deadline_at_ms);
  CHECK(got.work_timeout_ms == 600'000);
  CHECK(got.contracts_max == 3);
  CHECK(got.contracts_taken == 1);
  CHECK(got.payload_json == job.payload_json);
  CHECK(got.created_at_ms == fx.now_ms);
  CHECK(got.updated_at_ms == fx.now_ms);
  CHECK(got.expires_at_ms == job.expires_at_ms);
  CHECK_FALSE(got.accepted_at_ms.has_value());
  CHECK(got.version == 0);
  CHECK(fx.store->read_result<Job>([](Reader& r) { return r.job(999); }).status().detail() ==
        "job_not_found");
  CHECK(fx.write([&](Transaction& tx) {
            Job orphan = job;
            orphan.parent_job_id = 999;
            return tx.insert_job(orphan).status();
          }).detail() == "job_reference_invalid");
}

TEST_CASE("store: update_job is status-guarded on state and version") {
  StoreFixture fx;
  const mc::PartyId poster = fx.add_party();
  Job job = full_job(fx.market, poster);
  job.id = fx.write_value<mc::JobId>([&](Transaction& tx) { return tx.insert_job(job); });
  Job accepted = job;
  accepted.state = "accepted";
  accepted.worker_id = 42;
  accepted.accepted_at_ms = fx.now_ms + 10;
  accepted.updated_at_ms = fx.now_ms + 10;
  accepted.result_text = "done";
  REQUIRE(fx.write([&](Transaction& tx) { return tx.update_job(accepted, "posted", 0); }).ok());
  Job got = fx.read_value<Job>([&](Reader& r) { return r.job(job.id); });
  CHECK(got.state == "accepted");
  CHECK(got.worker_id == 42);
  CHECK(got.version == 1);
  CHECK(got.accepted_at_ms == fx.now_ms + 10);
  CHECK(got.result_text == "done");
  CHECK(got.created_at_ms == fx.now_ms);  // insert set it to now
  // A second worker racing on the old state loses, and nothing of its unit is written.
  Job rival = job;
  rival.state = "accepted";
  rival.worker_id = 43;
  mc::Status lost = fx.write([&](Transaction& tx) -> mc::Status {
    MC_TRY(tx.append_event({.market_id = fx.market, .type = "job.accepted"}));
    return tx.update_job(rival, "posted", 0);
  });
  CHECK(lost.code() == Code::aborted);
  CHECK(lost.detail() == "job_state_changed");
  CHECK(fx.read_value<Job>([&](Reader& r) { return r.job(job.id); }).worker_id == 42);
  CHECK(fx.read_value<std::vector<mc::Event>>([](Reader& r) { return r.events({}); }).empty());
  // Right state, stale version: also a conflict.
  CHECK(fx.write([&](Transaction& tx) {
            return tx.update_job(accepted, "accepted", 0);
          }).detail() == "job_state_changed");
  CHECK(fx.write([&](Transaction& tx) { return tx.update_job(accepted, "accepted", 1); }).ok());
  CHECK(fx.read_value<Job>([&](Reader& r) { return r.job(job.id); }).version == 2);
}

TEST_CASE("store: job lists filter, page newest first, and count") {
  StoreFixture fx;
  const mc::PartyId alice = fx.add_party("alice");
  const mc::PartyId bob = fx.add_party("bob");
  std::vector<mc::JobId> ids;
  for (int i = 0; i < 6; ++i) {
    Job job = full_job(fx.market, i % 2 == 0 ? alice : bob);
    job.category = i < 3 ? "photo" : "code";
    job.capabilities = i == 4 ? std::vector<std::string>{"rust"} : std::vector<std::string>{};
    job.state = i == 5 ? "accepted" : "posted";
    if (i == 5) job.worker_id = alice;
    if (i == 3) job.parent_job_id = ids[0];
    ids.push_back(fx.write_value<mc::JobId>([&](Transaction& tx) { return tx.insert_job(job); }));
  }
  auto list = [&](JobQuery query) {
    return fx.read_value<std::vector<Job>>([&](Reader& r) { return r.jobs(query); });
  };
  auto count = [&](JobQuery query) {
    return fx.read_value<int64_t>([&](Reader& r) { return r.count_jobs(query); });
  };
  auto all = list({.market_id = fx.market});
  REQUIRE(all.size() == 6);
  CHECK(all[0].id == ids[5]);  // newest first
  CHECK(count({.market_id = fx.market}) == 6);
  CHECK(count({.state = "posted"}) == 5);
  CHECK(count({.poster_id = alice}) == 3);
  CHECK(count({.worker_id = alice}) == 1);
  CHECK(count({.any_party_id = alice}) == 4);  // three posted + one worked
  CHECK(count({.parent_job_id = ids[0]}) == 1);
  CHECK(count({.category = "code"}) == 3);
  CHECK(count({.capability = "rust"}) == 1);
  CHECK(count({.market_id = fx.market + 1}) == 0);
  CHECK(list({.before_id = ids[2]}).size() == 2);
  auto page = list({.limit = 2, .offset = 2});
  REQUIRE(page.size() == 2);
  CHECK(page[0].id == ids[3]);
  CHECK(list({.state = "posted", .category = "code", .limit = 1})[0].id == ids[4]);
}

TEST_CASE("store: job history keeps every transition in order") {
  StoreFixture fx;
  const mc::PartyId poster = fx.add_party();
  const mc::JobId job = fx.write_value<mc::JobId>(
      [&](Transaction& tx) { return tx.insert_job(full_job(fx.market, poster)); });
  REQUIRE(fx.write([&](Transaction& tx) -> mc::Status {
              MC_TRY(tx.append_job_history({.job_id = job,
                                            .transition = "accept",
                                            .from_state = "posted",
                                            .to_state = "accepted",
                                            .actor_id = 7,
                                            .actor_role = "worker"}));
              return tx.append_job_history({.job_id = job,
                                            .transition = "timeout",
                                            .from_state = "accepted",
                                            .to_state = "timed_out",
                                            .actor_role = "system",
                                            .at_ms = 99});
            }).ok());
  auto history = fx.read_value<std::vector<mc::JobTransitionRecord>>(
      [&](Reader& r) { return r.job_history(job); });
  REQUIRE(history.size() == 2);
  CHECK(history[0].transition == "accept");
  CHECK(history[0].actor_id == 7);
  CHECK(history[0].at_ms == fx.now_ms);
  CHECK(history[1].to_state == "timed_out");
  CHECK_FALSE(history[1].actor_id.has_value());
  CHECK(history[1].at_ms == 99);
}
