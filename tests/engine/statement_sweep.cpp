// Statement-level fault sweeps over engine calls (see statement_sweep.h).
#include "engine/statement_sweep.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/fault_vfs.h"
#include "store/statement_faults.h"
#include "store/test_database.h"

namespace mc::test {
namespace {

constexpr int64_t kFaultPointsMax = 5000;  // a runaway sweep fails instead of hanging

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using RawDb = std::unique_ptr<sqlite3, SqliteCloser>;
using RawStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

RawStatement prepare_raw(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  REQUIRE_MESSAGE(rc == SQLITE_OK, sql, ": ", sqlite3_errmsg(db));
  return RawStatement(stmt);
}

std::vector<std::string> table_names(sqlite3* db) {
  RawStatement stmt = prepare_raw(
      db,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
      "ORDER BY name");
  std::vector<std::string> names;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0)));
  }
  return names;
}

}  // namespace

std::string database_dump(const std::filesystem::path& path) {
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
  RawDb db(handle);
  REQUIRE_MESSAGE(rc == SQLITE_OK, "open ", path.string());
  std::string dump;
  for (const std::string& table : table_names(db.get())) {
    dump += "[" + table + "]\n";
    RawStatement rows = prepare_raw(db.get(), "SELECT * FROM \"" + table + "\" ORDER BY 1");
    const int columns = sqlite3_column_count(rows.get());
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(rows.get())) == SQLITE_ROW) {
      for (int column = 0; column < columns; ++column) {
        const unsigned char* text = sqlite3_column_text(rows.get(), column);
        dump += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
        dump += '|';
      }
      dump += '\n';
    }
    REQUIRE_MESSAGE(step == SQLITE_DONE, "dump ", table, ": ", sqlite3_errmsg(db.get()));
  }
  return dump;
}

bool sweeps_supported() {
  if (!testing_postgres()) return true;
  MESSAGE("statement fault sweeps need the SQLite store's statement hook: skipped on PostgreSQL");
  return false;
}

bool is_injected_fault(const Status& status) {
  return status.code() == Code::unavailable && status.detail() == "store_unavailable" &&
         status.message().find("(injected fault)") != std::string::npos;
}

int64_t sweep_fresh(const std::function<std::unique_ptr<SweepFixture>()>& make,
                    const std::string& name,
                    const std::function<Status(SweepFixture& fixture)>& operation,
                    const FixtureCheck& check, SweepFaults faults) {
  // Every run creates a database: without the fsyncs (which no check here depends on) a run
  // costs a few milliseconds instead of tens.
  store::testing::FaultVfs no_fsync(/*forward_syncs=*/false);
  for (int64_t n = 1; n <= kFaultPointsMax; ++n) {
    std::unique_ptr<SweepFixture> fixture = make();
    Status status;
    bool fired = false;
    std::string fired_at;
    {
      store::testing::StatementFaults injected(n, faults.code, faults.lasting);
      status = operation(*fixture);
      fired = injected.fired();
      fired_at = injected.fired_at();
    }
    INFO(name, ": fault at statement ", n, " (", fired_at, "): ", status.to_string());
    check(*fixture, status, fired);
    if (!fired) {
      fixture->verify();
      REQUIRE_MESSAGE(n > 1, name, " made no store statement");
      return n - 1;
    }
  }
  FAIL(name, ": more than ", kFaultPointsMax, " statements");
  return 0;
}

int64_t sweep_with(SweepFixture& fixture, const std::string& name,
                   const std::function<Status()>& operation,
                   const std::function<void(const Status& status, bool fired)>& check,
                   SweepFaults faults) {
  for (int64_t n = 1; n <= kFaultPointsMax; ++n) {
    if (faults.reopen_each_run) fixture.reopen();
    Status status;
    bool fired = false;
    std::string fired_at;
    {
      store::testing::StatementFaults injected(n, faults.code, faults.lasting);
      status = operation();
      fired = injected.fired();
      fired_at = injected.fired_at();
    }
    INFO(name, ": fault at statement ", n, " (", fired_at, "): ", status.to_string());
    check(status, fired);
    if (!fired) {
      fixture.verify();
      REQUIRE_MESSAGE(n > 1, name, " made no store statement");
      return n - 1;
    }
  }
  FAIL(name, ": more than ", kFaultPointsMax, " statements");
  return 0;
}

int64_t sweep(SweepFixture& fixture, const std::string& name,
              const std::function<Status()>& operation, SweepFaults faults) {
  const std::filesystem::path database = fixture.database();
  std::string before = database_dump(database);
  return sweep_with(
      fixture, name, operation,
      [&](const Status& status, bool fired) {
        if (!fired) {
          REQUIRE_MESSAGE(status.ok(), name, " without a fault: ", status.to_string());
          return;
        }
        CHECK_MESSAGE(is_injected_fault(status), "returned ", status.to_string());
        REQUIRE_MESSAGE(database_dump(database) == before, "a faulted run changed the database");
      },
      faults);
}

}  // namespace mc::test
