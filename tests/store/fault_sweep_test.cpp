// Fault-injection sweeps over a real engine lifecycle. For N = 1, 2, … one run drives an
// mc::Engine (a real SQLite file, a ManualClock) through deposits, job creation, accept,
// complete, a timeout, a cancel, withdrawals and refused calls, with one fault at the run's
// Nth operation, until a run completes without reaching N:
//   - VFS sweeps: the Nth write, sync, truncate or delete of the SQLite files fails with
//     SQLITE_IOERR_* or SQLITE_FULL (FaultVfs), including those of the close-time checkpoint;
//   - control sweep: the writer's Nth transaction-control statement (BEGIN, SAVEPOINT,
//     RELEASE, ROLLBACK TO, COMMIT) fails (ControlFaults).
// After each run the engine is dropped and the file reopened without faults (the FaultVfs
// disarmed, with verify_ledger_at_open), then checked: the ledger verifies; every acknowledged
// call's effect is present; nothing is half there (a job without its escrow holds or with holds in
// the wrong state, a hold account without its hold, a transfer or a transition without its unit's
// event, a live job without its timer, an external credit without its transfer); the
// reopened engine takes writes again. In the control sweep no commit has an uncertain
// outcome, so the check is exact: what was not acknowledged is absent.
//
// Every file of a sweep goes through a FaultVfs that skips the real fsyncs (it still counts
// them and fails them when armed): no check here depends on them, and a thousand runs of
// fsyncs would cost most of the sweep's time.
#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "marketcore/engine.h"
#include "store/control_faults.h"
#include "store/fault_vfs.h"
#include "store/store_fixture.h"

using mc::store::testing::ControlFaults;
using mc::store::testing::FaultVfs;
using mc::store::testing::TempDir;

namespace {

constexpr int64_t kStartMs = 1'700'000'000'000;
constexpr int64_t kInjectionPointsMax = 20'000;  // a runaway sweep fails instead of hanging

struct Parties {
  mc::MarketId market = 0;
  mc::PartyId poster = 0;
  mc::PartyId worker = 0;
  mc::PartyId broke = 0;  // holds nothing: its job creation fails after the job row is written
};

// What one run's calls were acknowledged (returned ok) with.
struct Run {
  int calls = 0;
  int refused = 0;
  bool writer_broken = false;                                  // a call got store_broken
  std::vector<mc::TransferId> movements;                       // deposits and withdrawals
  std::vector<mc::JobId> jobs;                                 // created jobs
  std::vector<std::pair<mc::JobId, std::string>> transitions;  // fired transitions
};

std::unique_ptr<mc::Engine> open_engine(const std::string& path,
                                        std::shared_ptr<mc::ManualClock> clock,
                                        bool verify_ledger_at_open) {
  auto opened = mc::Engine::open({.database_path = path,
                                  .clock = std::move(clock),
                                  .reader_connections = 2,
                                  .verify_ledger_at_open = verify_ledger_at_open});
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  return std::move(opened).value();
}

// Makes the lifecycle's calls, each in its own millisecond (so every unit's rows carry a
// time of their own and a transfer can be matched with its unit's event), and records them.
class Driver {
 public:
  Driver(mc::Engine& engine, mc::ManualClock& clock, const Parties& parties, Run& run)
      : engine_(engine), clock_(clock), parties_(parties), run_(run) {}

  void deposit(mc::PartyId party, int64_t amount_minor, mc::AccountKind into,
               std::optional<std::string> external_ref) {
    clock_.advance_ms(1);
    auto moved = engine_.deposit({.market_id = parties_.market,
                                  .party_id = party,
                                  .amount_minor = amount_minor,
                                  .into = into,
                                  .external_ref = std::move(external_ref)});
    if (note(moved.status()) && !moved->replayed) run_.movements.push_back(moved->transfer_id);
  }

  void withdraw(mc::PartyId party, int64_t amount_minor) {
    clock_.advance_ms(1);
    auto moved = engine_.withdraw(
        {.market_id = parties_.market, .party_id = party, .amount_minor = amount_minor});
    if (note(moved.status()) && !moved->replayed) run_.movements.push_back(moved->transfer_id);
  }

  std::optional<mc::JobId> create_job(mc::PartyId poster, int64_t amount_minor) {
    clock_.advance_ms(1);
    auto created = engine_.create_job({.market_id = parties_.market,
                                       .poster_id = poster,
                                       .amount_minor = amount_minor,
                                       .prompt = "Summarize the fault sweep",
                                       .category = "opus",
                                       .work_timeout_ms = 30'000});
    if (!note(created.status())) return std::nullopt;
    run_.jobs.push_back(created->job.id);
    return created->job.id;
  }

  // Fires `transition` of `job`, unless the job's creation was not acknowledged.
  void fire(std::optional<mc::JobId> job, const char* transition, mc::PartyId actor) {
    if (!job) return;
    clock_.advance_ms(1);
    mc::FireTransition request;
    request.job_id = *job;
    request.transition = transition;
    request.actor_id = actor;
    request.result_text = "done";
    if (note(engine_.fire(request).status())) run_.transitions.emplace_back(*job, transition);
  }

  void advance_ms(int64_t delta_ms) { note(engine_.advance_ms(delta_ms).status()); }

 private:
  bool note(const mc::Status& status) {
    ++run_.calls;
    if (!status.ok()) ++run_.refused;
    if (status.detail() == "store_broken") run_.writer_broken = true;
    return status.ok();
  }

  mc::Engine& engine_;
  mc::ManualClock& clock_;
  const Parties& parties_;
  Run& run_;
};

// The lifecycle every run drives (14 calls when every step is reached).
void drive(Driver& driver, const Parties& parties) {
  driver.deposit(parties.poster, 300, mc::AccountKind::available, "card-1");
  driver.deposit(parties.poster, 20, mc::AccountKind::promo, std::nullopt);
  const std::optional<mc::JobId> completed = driver.create_job(parties.poster, 50);
  driver.fire(completed, "accept", parties.worker);
  driver.fire(completed, "complete", parties.worker);
  const std::optional<mc::JobId> timed_out = driver.create_job(parties.poster, 40);
  driver.fire(timed_out, "accept", parties.worker);
  driver.advance_ms(61'000);             // the accepted job times out and is refunded
  driver.create_job(parties.broke, 10);  // refused (insufficient_funds) after writing the job
  const std::optional<mc::JobId> cancelled = driver.create_job(parties.poster, 30);
  driver.fire(cancelled, "cancel", parties.poster);
  driver.withdraw(parties.worker, 45);
  driver.withdraw(parties.worker, 1'000);  // refused: insufficient_funds
  driver.deposit(parties.poster, 300, mc::AccountKind::available, "card-1");  // replayed
}

// A read-only connection for checks the engine's API cannot express.
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  }
  ~RawDatabase() { sqlite3_close_v2(db_); }
  RawDatabase(const RawDatabase&) = delete;
  RawDatabase& operator=(const RawDatabase&) = delete;

  // The single integer `sql` selects, with ?1 bound to `parameter`.
  int64_t number(const char* sql, int64_t parameter = 0) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE_MESSAGE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK,
                    sqlite3_errmsg(db_));
    sqlite3_bind_int64(stmt, 1, parameter);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
  }

 private:
  sqlite3* db_ = nullptr;
};

struct HalfThere {
  const char* what;
  const char* sql;  // counts the offending rows
};

// Each query counts rows that only a half-applied unit could leave behind.
const HalfThere kHalfThere[] = {
    {"a job whose escrow holds do not add up to its escrow",
     "SELECT COUNT(*) FROM jobs j WHERE j.escrow_hold_id IS NULL OR j.escrow_minor != "
     "(SELECT COALESCE(SUM(h.amount_minor), 0) FROM holds h WHERE h.job_id = j.id AND "
     "h.purpose = 0)"},
    {"a job whose escrow holds are not resolved as its state says",
     "SELECT COUNT(*) FROM jobs j JOIN holds h ON h.job_id = j.id AND h.purpose = 0 WHERE "
     "h.state != CASE j.state WHEN 'posted' THEN 0 WHEN 'accepted' THEN 0 "
     "WHEN 'completed' THEN 1 ELSE 2 END"},
    {"a hold account without its hold",
     "SELECT COUNT(*) FROM accounts a WHERE a.kind = 6 AND NOT EXISTS "
     "(SELECT 1 FROM holds h WHERE h.hold_account_id = a.id)"},
    {"a transfer without its unit's event",
     "SELECT COUNT(*) FROM transfers t WHERE NOT EXISTS (SELECT 1 FROM events e WHERE "
     "e.created_at_ms = t.created_at_ms AND (t.job_id IS NULL OR e.job_id = t.job_id))"},
    {"a transition without its event",
     "SELECT COUNT(*) FROM job_history h WHERE NOT EXISTS (SELECT 1 FROM events e WHERE "
     "e.job_id = h.job_id AND e.created_at_ms = h.at_ms AND e.type LIKE 'job.%')"},
    {"a job whose state is not where its history ends",
     "SELECT COUNT(*) FROM jobs j WHERE j.state != COALESCE((SELECT h.to_state FROM "
     "job_history h WHERE h.job_id = j.id ORDER BY h.id DESC LIMIT 1), j.state)"},
    {"a live job without its timer",
     "SELECT COUNT(*) FROM jobs j WHERE j.state IN ('posted', 'accepted') AND NOT EXISTS "
     "(SELECT 1 FROM timers t WHERE t.job_id = j.id AND t.state = j.state)"},
    {"an external credit without its transfer, or a referenced transfer without its credit",
     "SELECT (SELECT COUNT(*) FROM external_refs c WHERE NOT EXISTS (SELECT 1 FROM "
     "transfers t WHERE t.id = c.transfer_id)) + (SELECT COUNT(*) FROM transfers t WHERE "
     "t.external_ref IS NOT NULL AND NOT EXISTS (SELECT 1 FROM external_refs c WHERE "
     "c.transfer_id = t.id))"},
};

// Reopens the file without faults and checks it (see the file comment). `exact`: what was
// not acknowledged must be absent too.
void check_reopened(const std::string& path, const Parties& parties, const Run& run, bool exact,
                    const std::string& label) {
  INFO(label);
  auto clock = std::make_shared<mc::ManualClock>(kStartMs + mc::kMillisecondsPerDay);
  std::unique_ptr<mc::Engine> engine = open_engine(path, clock, true);
  auto report = engine->verify_ledger();
  REQUIRE(report.ok());
  for (const std::string& problem : report->problems) FAIL_CHECK(problem);
  {
    RawDatabase db(path);
    for (const HalfThere& check : kHalfThere) {
      CHECK_MESSAGE(db.number(check.sql) == 0, check.what);
    }
    for (mc::TransferId id : run.movements) {
      CHECK_MESSAGE(db.number("SELECT COUNT(*) FROM transfers WHERE id = ?1", id) == 1,
                    "acknowledged transfer " << id << " is missing");
    }
    for (mc::JobId id : run.jobs) {
      CHECK_MESSAGE(db.number("SELECT COUNT(*) FROM jobs WHERE id = ?1", id) == 1,
                    "acknowledged job " << id << " is missing");
    }
    for (const std::pair<mc::JobId, std::string>& fired : run.transitions) {
      const std::string sql =
          "SELECT COUNT(*) FROM job_history WHERE job_id = ?1 AND "
          "transition = '" +
          fired.second + "'";
      CHECK_MESSAGE(db.number(sql.c_str(), fired.first) == 1,
                    "acknowledged " << fired.second << " of job " << fired.first << " is missing");
    }
    if (exact) {
      CHECK_MESSAGE(db.number("SELECT COUNT(*) FROM jobs") == static_cast<int64_t>(run.jobs.size()),
                    "a job whose creation was not acknowledged is present");
      CHECK_MESSAGE(db.number("SELECT COUNT(*) FROM transfers WHERE job_id IS NULL") ==
                        static_cast<int64_t>(run.movements.size()),
                    "a deposit or withdrawal that was not acknowledged is present");
    }
  }
  // The reopened engine takes writes again, whatever state the faulty run left it in.
  auto deposited =
      engine->deposit({.market_id = parties.market, .party_id = parties.poster, .amount_minor = 1});
  CHECK_MESSAGE(deposited.ok(), deposited.status().to_string());
}

// A market and three parties in a file of their own, copied for every run.
class Sweep {
 public:
  FaultVfs& vfs() { return vfs_; }

  Sweep() : pristine_(dir_.file("pristine.db")), path_(dir_.file("run.db")) {
    auto clock = std::make_shared<mc::ManualClock>(kStartMs);
    std::unique_ptr<mc::Engine> engine = open_engine(pristine_, clock, false);
    auto market = engine->ensure_market(mc::builtin_market_config("j0").value());
    REQUIRE(market.ok());
    parties_.market = market->id;
    for (mc::PartyId* party : {&parties_.poster, &parties_.worker, &parties_.broke}) {
      auto registered = engine->register_party({.market_id = market->id, .kind = "agent"});
      REQUIRE(registered.ok());
      *party = registered->id;
    }
  }

  // One run: a fresh copy of the file, an engine on it, `arm` called just before the
  // lifecycle, the engine dropped (its close-time checkpoint still under the fault).
  Run run(const std::function<void()>& arm) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_ + suffix);
    }
    std::filesystem::copy_file(pristine_, path_);
    Run record;
    {
      auto clock = std::make_shared<mc::ManualClock>(kStartMs);
      std::unique_ptr<mc::Engine> engine = open_engine(path_, clock, false);
      arm();
      Driver driver(*engine, *clock, parties_, record);
      drive(driver, parties_);
    }
    return record;
  }

  const std::string& path() const { return path_; }
  const Parties& parties() const { return parties_; }

 private:
  FaultVfs vfs_{/*forward_syncs=*/false};  // first: registered before any connection opens
  TempDir dir_;
  std::string pristine_;
  std::string path_;
  Parties parties_;
};

struct Totals {
  int64_t runs = 0;
  int calls = 0;  // calls of the lifecycle when no fault hits
  int64_t refused_calls = 0;
  int64_t broken_runs = 0;
};

std::string summary(const char* name, const Totals& totals) {
  return std::string("fault injection sweep (") + name + "): " + std::to_string(totals.calls) +
         " engine calls x " + std::to_string(totals.runs) + " injection points; " +
         std::to_string(totals.refused_calls) + " calls refused, " +
         std::to_string(totals.broken_runs) +
         " runs broke the writer; every run reopened, verified, acknowledged effects present, "
         "nothing half there";
}

// Runs the lifecycle with one fault armed at operation n = 1, 2, ... until a run ends without
// reaching it, checking every reopened file. `arm(n)` arms the fault (called inside the run);
// `disarm()` removes it and tells whether it fired. `exact`: what was not acknowledged must be
// absent too.
void sweep_points(const char* name, bool exact, const std::function<void(int64_t)>& arm,
                  const std::function<bool()>& disarm, Sweep& sweep) {
  Totals totals;
  for (int64_t n = 1; n <= kInjectionPointsMax; ++n) {
    const Run run = sweep.run([&] { arm(n); });
    const bool fired = disarm();  // the reopen and its checks run without faults
    check_reopened(sweep.path(), sweep.parties(), run, exact,
                   std::string(name) + ", fault at operation " + std::to_string(n));
    if (!fired) {
      CHECK(run.refused == 2);  // a run without a fault refuses only what it must
      totals.calls = run.calls;
      break;
    }
    ++totals.runs;
    totals.refused_calls += run.refused;
    totals.broken_runs += run.writer_broken ? 1 : 0;
    REQUIRE(n < kInjectionPointsMax);
  }
  CHECK(totals.runs > 0);
  MESSAGE(summary(name, totals));
}

void sweep_vfs(FaultVfs::Fault fault, FaultVfs::Operation only, const char* name) {
  Sweep sweep;
  sweep_points(
      name, false, [&](int64_t n) { sweep.vfs().arm(n, fault, only); },
      [&] {
        const bool fired = sweep.vfs().fired();
        sweep.vfs().disarm();
        return fired;
      },
      sweep);
}

}  // namespace

TEST_CASE("fault injection: I/O errors at every write, sync and delete of an engine lifecycle") {
  sweep_vfs(FaultVfs::Fault::io_error, FaultVfs::Operation::any, "VFS, SQLITE_IOERR_*");
}

TEST_CASE("fault injection: a full disk at every write of an engine lifecycle") {
  sweep_vfs(FaultVfs::Fault::disk_full, FaultVfs::Operation::write, "VFS, SQLITE_FULL");
}

TEST_CASE(
    "fault injection: every failing SAVEPOINT, RELEASE, ROLLBACK TO or COMMIT of a "
    "lifecycle") {
  Sweep sweep;
  std::optional<ControlFaults> faults;
  sweep_points(
      "control statements", true, [&](int64_t n) { faults.emplace(std::nullopt, n); },
      [&] {
        const bool fired = faults->fired();
        faults.reset();
        return fired;
      },
      sweep);
}
