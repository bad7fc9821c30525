// What only the PostgreSQL store has to show: several processes on one database. Two Engines
// on one database stand in for two servers (each has its own connection pool, exactly as two
// marketcore-server processes would). Skipped unless MC_TEST_POSTGRES is set (see
// test_database.h; tests/store/run_on_postgres.sh runs these inside ./dev.sh test).
#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "engine/engine_fixture.h"
#include "marketcore/webhooks.h"
#include "store/postgres/isolation.h"
#include "store/store.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

std::unique_ptr<Engine> open_engine(const std::string& location,
                                    const std::shared_ptr<ManualClock>& clock) {
  auto opened =
      Engine::open({.database_path = location, .clock = clock, .durability = Durability::normal});
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  std::unique_ptr<Engine> engine = std::move(opened).value();
  REQUIRE(engine->register_lifecycle(gig_lifecycle()).ok());
  REQUIRE(engine
              ->register_guard("gig_gate", [](const Job&, std::optional<PartyId>,
                                              const FireTransition&) { return ok_status(); })
              .ok());
  return engine;
}

// Runs `calls` on threads released together.
void together(const std::vector<std::function<void()>>& calls) {
  std::latch start(static_cast<std::ptrdiff_t>(calls.size()));
  std::vector<std::thread> threads;
  for (const auto& call : calls) {
    threads.emplace_back([&start, &call] {
      start.arrive_and_wait();
      call();
    });
  }
  for (std::thread& thread : threads) thread.join();
}

void require_ledger_ok(Engine& engine) {
  auto report = engine.verify_ledger();
  REQUIRE_MESSAGE(report.ok(), report.status().to_string());
  std::string problems;
  for (const std::string& problem : report->problems) problems += problem + "\n";
  REQUIRE_MESSAGE(report->ok(), problems);
}

// A libpq session outside the store on the database of a test location: holds a lock the
// store's units wait for, and watches which sessions wait for which.
class RawSession {
 public:
  explicit RawSession(const std::string& location) {
    auto url = store::postgres::parse_store_url(location);
    REQUIRE(url.ok());
    conn_ = PQconnectdb(url->libpq_url.c_str());
    REQUIRE_MESSAGE(PQstatus(conn_) == CONNECTION_OK, PQerrorMessage(conn_));
  }
  ~RawSession() { PQfinish(conn_); }
  RawSession(const RawSession&) = delete;
  RawSession& operator=(const RawSession&) = delete;

  // Runs `sql`; the first column of the first row ("" without rows). REQUIREs success.
  std::string value(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    const std::string error = PQresultErrorMessage(result);
    const std::string first =
        status == PGRES_TUPLES_OK && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    REQUIRE_MESSAGE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK), error);
    return first;
  }

  // Polls `sql` until it returns a non-empty value other than "0", or `done()`. A bound on the
  // wait only stops a hung test; what is checked never depends on how long anything took.
  std::string wait_for(
      const std::string& sql, const std::function<bool()>& done = [] { return false; }) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < give_up) {
      std::string found = value(sql);
      if ((!found.empty() && found != "0") || done()) return found;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("still waiting after 60 s for: " << sql);
    return "";
  }

 private:
  PGconn* conn_ = nullptr;
};

}  // namespace

TEST_CASE("postgres store: mc_isolation is split off the URL before libpq sees it") {
  using store::postgres::Isolation;
  using store::postgres::parse_store_url;
  auto plain = parse_store_url("postgresql://db/market");
  REQUIRE(plain.ok());
  CHECK(plain->libpq_url == "postgresql://db/market");
  CHECK(plain->isolation == Isolation::read_committed);
  auto first =
      parse_store_url("postgresql://?mc_isolation=read_committed&options=-csearch_path%3Dx");
  REQUIRE(first.ok());
  CHECK(first->libpq_url == "postgresql://?options=-csearch_path%3Dx");
  CHECK(first->isolation == Isolation::read_committed);
  auto last = parse_store_url("postgres://u@h/d?sslmode=require&mc_isolation=serializable");
  REQUIRE(last.ok());
  CHECK(last->libpq_url == "postgres://u@h/d?sslmode=require");
  CHECK(last->isolation == Isolation::serializable);
  auto alone = parse_store_url("postgresql://h/d?mc_isolation=read_committed");
  REQUIRE(alone.ok());
  CHECK(alone->libpq_url == "postgresql://h/d");
  auto unknown = parse_store_url("postgresql://h/d?mc_isolation=snapshot");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().detail() == "store_path_invalid");
}

TEST_CASE("postgres store: servers starting together apply each migration once") {
  if (!testing_postgres()) return;
  TempDir dir;
  const std::string location = database_location(dir.path("market.db"));
  std::vector<Status> opened(6);
  std::vector<std::function<void()>> calls;
  for (size_t i = 0; i < opened.size(); ++i) {
    calls.push_back([&, i] { opened[i] = store::open_store({.path = location}).status(); });
  }
  together(calls);
  for (const Status& status : opened) CHECK_MESSAGE(status.ok(), status.to_string());
  // The version row was written once; a store opens on the current schema.
  raw_sql(dir.path("market.db"),
          "DO $$ BEGIN IF (SELECT COUNT(*) FROM marketcore_schema) <> 1 THEN "
          "RAISE EXCEPTION 'schema version rows'; END IF; END $$");
  auto store = store::open_store({.path = location});
  REQUIRE_MESSAGE(store.ok(), store.status().to_string());
}

TEST_CASE("postgres store: two servers on one database — one accept wins, money is exact") {
  if (!testing_postgres()) return;
  TempDir dir;
  const std::string location = database_location(dir.path("market.db"));
  auto clock = std::make_shared<ManualClock>(kStartMs);
  std::vector<std::unique_ptr<Engine>> servers;
  servers.push_back(open_engine(location, clock));
  servers.push_back(open_engine(location, clock));
  const Market market = servers[0]->create_market(gig_market()).value();
  auto party = [&](Engine& engine) {
    return engine.register_party({.market_id = market.id, .kind = "agent"}).value().id;
  };
  const PartyId poster = party(*servers[1]);
  REQUIRE(
      servers[0]->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 1000}).ok());
  std::vector<PartyId> workers;
  for (int i = 0; i < 8; ++i) workers.push_back(party(*servers[static_cast<size_t>(i % 2)]));

  SUBCASE("cross-server accept races have exactly one winner") {
    for (int round = 0; round < 4; ++round) {
      const Job job =
          servers[0]
              ->create_job(
                  {.market_id = market.id, .poster_id = poster, .amount_minor = 10, .title = "t"})
              .value()
              .job;
      std::atomic<int> winners{0};
      std::vector<std::function<void()>> calls;
      for (size_t i = 0; i < workers.size(); ++i) {
        calls.push_back([&, i] {
          FireTransition accept{.job_id = job.id, .transition = "accept", .actor_id = workers[i]};
          Result<JobOutcome> fired = servers[i % 2]->fire(accept);
          if (fired.ok()) {
            ++winners;
          } else {
            const bool lost = fired.status().detail() == "job_state_changed" ||
                              fired.status().detail() == "wrong_state";
            CHECK_MESSAGE(lost, fired.status().to_string());
          }
        });
      }
      together(calls);
      CHECK(winners == 1);
      CHECK(servers[1]->job(job.id)->state == "taken");
    }
    require_ledger_ok(*servers[1]);
  }

  SUBCASE("escrows racing for one balance from both servers never overdraw it") {
    const PartyId spender = party(*servers[0]);
    REQUIRE(servers[1]
                ->deposit({.market_id = market.id, .party_id = spender, .amount_minor = 100})
                .ok());
    std::atomic<int64_t> escrowed{0};
    std::atomic<int> funded{0};
    std::vector<std::function<void()>> calls;
    for (size_t i = 0; i < 8; ++i) {
      calls.push_back([&, i] {
        Result<JobOutcome> created = servers[i % 2]->create_job(
            {.market_id = market.id, .poster_id = spender, .amount_minor = 30, .title = "t"});
        if (created.ok()) {
          ++funded;
          escrowed += created->job.fees.escrow_minor;
        } else {
          CHECK_MESSAGE(created.status().detail() == "insufficient_funds",
                        created.status().to_string());
        }
      });
    }
    together(calls);
    CHECK(funded >= 1);
    CHECK(funded <= 3);
    const int64_t left = servers[0]->balances(market.id, spender)->available_minor;
    CHECK(left >= 0);
    CHECK(left == 100 - escrowed);
    require_ledger_ok(*servers[0]);
  }

  SUBCASE("deposits from both servers add up; a key or an external reference credits once") {
    const PartyId payee = workers[0];
    std::vector<std::function<void()>> calls;
    std::atomic<int> refused{0};
    for (int thread = 0; thread < 6; ++thread) {
      calls.push_back([&, thread] {
        Engine& engine = *servers[static_cast<size_t>(thread % 2)];
        for (int i = 0; i < 10; ++i) {
          CHECK(
              engine.deposit({.market_id = market.id, .party_id = payee, .amount_minor = 1}).ok());
        }
        // The same idempotency key and the same external reference from every thread.
        Result<MoneyMovement> keyed =
            engine.deposit({.market_id = market.id,
                            .party_id = payee,
                            .amount_minor = 100,
                            .idempotency = IdempotencyKey{"test", "one-key"}});
        CHECK_MESSAGE(keyed.ok(), keyed.status().to_string());
        Result<MoneyMovement> referenced = engine.deposit({.market_id = market.id,
                                                           .party_id = payee,
                                                           .amount_minor = 1000,
                                                           .external_ref = "chain-tx-1"});
        if (!referenced.ok()) ++refused;
      });
    }
    together(calls);
    CHECK(refused == 0);  // a repeat of the same reference is answered, not refused
    CHECK(servers[0]->balances(market.id, payee)->available_minor == 60 + 100 + 1000);
    require_ledger_ok(*servers[0]);
  }
}

TEST_CASE("postgres store: a follower by sequence sees every server's events, none skipped") {
  if (!testing_postgres()) return;
  TempDir dir;
  const std::string location = database_location(dir.path("market.db"));
  auto clock = std::make_shared<ManualClock>(kStartMs);
  auto first = open_engine(location, clock);
  auto second = open_engine(location, clock);
  const Market market = first->create_market(gig_market()).value();
  const PartyId poster = first->register_party({.market_id = market.id}).value().id;
  REQUIRE(
      first->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 100000}).ok());
  std::atomic<bool> writing{true};
  std::vector<int64_t> followed;
  std::thread follower([&] {
    int64_t cursor = 0;
    bool last_pass = false;
    while (true) {
      const bool done = !writing.load();
      auto events = second->events({.after_sequence = cursor, .limit = 1000});
      REQUIRE(events.ok());
      for (const Event& event : *events) followed.push_back(event.sequence);
      if (!events->empty()) cursor = events->back().sequence;
      if (events->empty() && last_pass) break;
      last_pass = done;
    }
  });
  std::vector<std::function<void()>> calls;
  for (int thread = 0; thread < 4; ++thread) {
    calls.push_back([&, thread] {
      Engine& engine = thread % 2 == 0 ? *first : *second;
      for (int i = 0; i < 40; ++i) {
        CHECK(
            engine
                .create_job(
                    {.market_id = market.id, .poster_id = poster, .amount_minor = 1, .title = "t"})
                .ok());
      }
    });
  }
  together(calls);
  writing = false;
  follower.join();
  std::vector<int64_t> all;
  int64_t cursor = 0;
  while (true) {
    auto events = first->events({.after_sequence = cursor, .limit = 1000});
    REQUIRE(events.ok());
    if (events->empty()) break;
    for (const Event& event : *events) all.push_back(event.sequence);
    cursor = events->back().sequence;
  }
  CHECK(all.size() >= 160);
  CHECK(followed == all);  // in order, and nothing committed behind the follower's cursor
}

TEST_CASE("postgres store: a server whose webhook lease lapsed cannot record over a takeover") {
  if (!testing_postgres()) return;
  TempDir dir;
  const std::string location = database_location(dir.path("market.db"));
  // Two servers on their own clocks: the first claims and is then paused past its lease; the
  // second's clock is past that lease, so it claims the same delivery again.
  auto paused_clock = std::make_shared<ManualClock>(kStartMs);
  auto other_clock = std::make_shared<ManualClock>(kStartMs);
  auto paused = open_engine(location, paused_clock);
  auto other = open_engine(location, other_clock);
  const Market market = paused->ensure_market(builtin_market_config("j0").value()).value();
  const PartyId party = paused->register_party({.market_id = market.id}).value().id;
  WebhookRegistry paused_hooks = paused->webhooks();
  WebhookRegistry other_hooks = other->webhooks();
  REQUIRE(paused_hooks
              .create_endpoint(
                  {.market_id = market.id, .party_id = party, .url = "http://127.0.0.1:9/hook"})
              .ok());
  REQUIRE(paused->deposit({.market_id = market.id, .party_id = party, .amount_minor = 5}).ok());
  REQUIRE(paused_hooks.enqueue_new_events(100).value() >= 1);
  constexpr int64_t kLeaseMs = 1'000;
  const WebhookRetryPolicy policy;

  auto first = paused_hooks.claim_due(kLeaseMs, 10);
  REQUIRE(first.ok());
  REQUIRE(first->size() >= 1);
  const WebhookDelivery first_claim = first->front().delivery;
  // Not due for anyone else until the lease ends.
  CHECK(other_hooks.claim_due(kLeaseMs, 10).value().empty());
  other_clock->advance_ms(kLeaseMs);
  auto second = other_hooks.claim_due(kLeaseMs, 10);
  REQUIRE(second.ok());
  REQUIRE(second->size() == first->size());
  const WebhookDelivery second_claim = second->front().delivery;
  REQUIRE(second_claim.id == first_claim.id);
  CHECK(second_claim.next_attempt_at_ms > first_claim.next_attempt_at_ms);  // the token grew

  // The paused server wakes up and reports its (late) attempt: fenced, nothing is written.
  auto late = paused_hooks.record_claimed_attempt(first_claim, {.http_status = 200}, policy, 0);
  REQUIRE(late.ok());
  CHECK(late->status == WebhookDeliveryStatus::pending);
  CHECK(late->attempts == 0);
  CHECK(late->next_attempt_at_ms == second_claim.next_attempt_at_ms);
  // The server holding the claim records its outcome.
  auto current = other_hooks.record_claimed_attempt(second_claim, {.http_status = 500}, policy, 0);
  REQUIRE(current.ok());
  CHECK(current->attempts == 1);
  CHECK(current->last_http_status == 500);
  // After a record the claim is spent too: neither token records again.
  auto again = other_hooks.record_claimed_attempt(second_claim, {.http_status = 200}, policy, 0);
  REQUIRE(again.ok());
  CHECK(again->attempts == 1);
  auto stale = paused_hooks.record_claimed_attempt(first_claim, {.http_status = 200}, policy, 0);
  REQUIRE(stale.ok());
  CHECK(stale->attempts == 1);
  const WebhookDelivery stored = other_hooks.delivery(first_claim.id).value();
  CHECK(stored.status == WebhookDeliveryStatus::pending);
  CHECK(stored.attempts == 1);
  CHECK(stored.last_http_status == 500);
}

// The fee tier of a new job comes from the poster's trailing spend (jobs completed with their
// escrow posted). A creation that runs while a completion of the same poster is in flight on
// another server must not commit after it with the tier from before it: it waits and prices
// with it (READ COMMITTED: the (market, poster) key, locks_sql.cpp), or is rolled back and run
// again (SERIALIZABLE). Made deterministic by holding the completion open before its commit: a
// session outside the store holds the events lock (events_sql.cpp), which the completion takes
// for its job.completed event after it has posted the escrow.
TEST_CASE("postgres store: a creation racing a completion prices with the completed spend") {
  if (!testing_postgres()) return;
  TempDir dir;
  const std::string location = database_location(dir.path("market.db"));
  auto clock = std::make_shared<ManualClock>(kStartMs);
  auto completing = open_engine(location, clock);
  auto creating = open_engine(location, clock);
  MarketConfig config = gig_market("tiered");
  // 10 % until the poster has spent 100, then 5 %; over all time (no window).
  config.fees.tiers = {{0, 1000}, {100, 500}};
  config.fees.tier_boundary_inclusive = true;
  config.fees.trailing_window_ms = 0;
  const Market market = completing->create_market(config).value();
  const PartyId poster = completing->register_party({.market_id = market.id}).value().id;
  const PartyId worker = completing->register_party({.market_id = market.id}).value().id;
  REQUIRE(
      completing->deposit({.market_id = market.id, .party_id = poster, .amount_minor = 1000}).ok());
  auto first = completing->create_job(
      {.market_id = market.id, .poster_id = poster, .amount_minor = 100, .title = "first"});
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  CHECK(first->job.fees.platform_fee_bps == 1000);
  const JobId job = first->job.id;
  REQUIRE(completing->fire({.job_id = job, .transition = "accept", .actor_id = worker}).ok());
  REQUIRE(completing
              ->fire({.job_id = job,
                      .transition = "submit",
                      .actor_id = worker,
                      .result_text = "done",
                      .proof_json = "{}"})
              .ok());

  RawSession gate(location);
  RawSession watcher(location);
  gate.value("BEGIN");
  gate.value("SELECT pg_advisory_xact_lock(1298489166, hashtext(current_schema()))");
  const std::string gate_pid = gate.value("SELECT pg_backend_pid()");

  std::optional<Result<JobOutcome>> approved;
  std::thread completion([&] {
    approved = completing->fire({.job_id = job, .transition = "approve", .actor_id = poster});
  });
  // The completion has posted the escrow and waits for the events lock, before its commit.
  const std::string completion_pid = watcher.wait_for("SELECT pid FROM pg_stat_activity WHERE " +
                                                      gate_pid + " = ANY(pg_blocking_pids(pid))");

  std::atomic<bool> created_done{false};
  std::optional<Result<JobOutcome>> created;
  std::thread creation([&] {
    created = creating->create_job(
        {.market_id = market.id, .poster_id = poster, .amount_minor = 100, .title = "second"});
    created_done = true;
  });
  // The creation waits behind the completion (on its spend key, or on a row it wrote), or it
  // has finished without waiting (then it commits first and may keep the old tier; a store
  // that lets it read the spend and then commit after the completion is what this test
  // catches).
  watcher.wait_for("SELECT COUNT(*) FROM pg_stat_activity WHERE " + completion_pid +
                       " = ANY(pg_blocking_pids(pid)) OR (pid <> " + completion_pid + " AND " +
                       gate_pid + " = ANY(pg_blocking_pids(pid)))",
                   [&] { return created_done.load(); });
  const bool finished_first = created_done.load();
  gate.value("COMMIT");
  completion.join();
  creation.join();

  REQUIRE_MESSAGE(approved->ok(), approved->status().to_string());
  REQUIRE_MESSAGE(created->ok(), created->status().to_string());
  const Job second = created->value().job;
  CHECK_FALSE(finished_first);  // the completion holds the poster's hold total, at least
  // Committed after the completion (its events follow), so priced with the spend of 100.
  int64_t completed_at = 0;
  int64_t posted_at = 0;
  auto events = creating->events({.market_id = market.id, .limit = 1000});
  REQUIRE(events.ok());
  for (const Event& event : *events) {
    if (event.type == "job.completed" && event.job_id == job) completed_at = event.sequence;
    if (event.type == "job.posted" && event.job_id == second.id) posted_at = event.sequence;
  }
  CHECK(completed_at > 0);
  CHECK(posted_at > completed_at);
  CHECK(second.fees.platform_fee_bps == 500);
  require_ledger_ok(*creating);
}

}  // namespace mc::test
