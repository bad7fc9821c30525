// statement_sweep.h — statement-level fault sweeps over engine calls, the way SQLite tests its
// error paths: for N = 1, 2, … one run of the call fails its Nth store statement (a prepare or
// a step, on the writer or a reader; store/sqlite/statement_fault.h) with an SQLite I/O error,
// until a run completes without reaching N.
//
// Every faulted run must return the store's error (unavailable/"store_unavailable" naming the
// injected fault: not ok, not another error, no crash) and leave the database exactly as it
// was (every row of every table, read through a connection of the test's own); the run that
// reaches no fault must succeed, which also shows the engine works again after each fault.
// Sweeps run on a fixture with speculative batches off, so a unit that a fault failed is
// rolled back and not run again without it. On PostgreSQL (MC_TEST_POSTGRES) there is no
// statement hook: the sweeps check nothing there and say so.
//
// Example:
//   SweepFixture f;
//   const PartyId poster = f.party(100);
//   sweep(f, "deposit", [&] { return f.engine->deposit({...}).status(); });
//
// Thread-safety: one sweep at a time per process (the hook is process-wide).
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "engine/engine_fixture.h"
#include "store/statement_faults.h"

namespace mc::test {

// An EngineFixture for sweeps: speculative batches off.
struct SweepFixture : EngineFixture {
  explicit SweepFixture(int64_t settlement_hold_ms = 0)
      : EngineFixture(settlement_hold_ms, false) {}
  // The SQLite file of the fixture's engine.
  std::filesystem::path database() const { return dir.path("market.db"); }
};

// How the faults of a sweep's runs last and what they fail with.
struct SweepFaults {
  int code = SQLITE_IOERR;
  store::testing::StatementFaults::Lasting lasting = store::testing::StatementFaults::Lasting::once;
  // Reopen the fixture's engine before every run (EngineFixture::reopen): its caches (the
  // store's markets) start cold, so the reads they would answer are made, and failed, too.
  bool reopen_each_run = false;
};

// Every row of every table of the SQLite file at `path`, in a stable text form.
std::string database_dump(const std::filesystem::path& path);

// True when the sweeps can run (on SQLite); on PostgreSQL prints why they are skipped.
bool sweeps_supported();

// Sweeps `operation` (see the file comment). Returns the number of faulted runs (the
// statements the operation makes); REQUIREs at least one.
int64_t sweep(SweepFixture& fixture, const std::string& name,
              const std::function<Status()>& operation, SweepFaults faults = {});

// As sweep, for an operation whose faulted runs may end either way: with the store's error and
// nothing changed, or with success — a read or write the call may retry or do without (due
// work records a failed attempt and returns ok). `check` runs after every run, faulted or not,
// with the status and whether the fault fired, and asserts what must hold.
int64_t sweep_with(SweepFixture& fixture, const std::string& name,
                   const std::function<Status()>& operation,
                   const std::function<void(const Status& status, bool fired)>& check,
                   SweepFaults faults = {});

// As sweep_with, with a fresh fixture from `make` for every run: for operations whose faulted
// runs leave something behind on purpose (due work records a failed attempt), so that every
// run starts from the same state. `check` gets the run's fixture. The fixtures' files skip
// their fsyncs meanwhile (a FaultVfs that does not forward them, tests/store/fault_vfs.h).
using FixtureCheck = std::function<void(SweepFixture& fixture, const Status& status, bool fired)>;
int64_t sweep_fresh(const std::function<std::unique_ptr<SweepFixture>()>& make,
                    const std::string& name,
                    const std::function<Status(SweepFixture& fixture)>& operation,
                    const FixtureCheck& check, SweepFaults faults = {});

// True when `status` is the error an injected statement fault produces.
bool is_injected_fault(const Status& status);

}  // namespace mc::test
