// Implements test_database.h.
#include "store/test_database.h"

#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace mc::test {
namespace {

std::mutex mutex;
std::map<std::string, std::string>& schemas() {  // sqlite file → schema; guarded by mutex
  static std::map<std::string, std::string> map;
  return map;
}

std::string base_url() {
  const char* url = std::getenv("MC_TEST_POSTGRES");
  return url != nullptr ? url : "";
}

// Runs `sql` on a fresh connection to `url`; REQUIREs success.
void run_on(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  const std::string error = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  REQUIRE_MESSAGE((status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK), error);
}

std::string with_schema(const std::string& url, const std::string& schema) {
  const char separator = url.find('?') == std::string::npos ? '?' : '&';
  return url + separator + "options=-csearch_path%3D" + schema;
}

// The store's isolation parameter from MC_TEST_POSTGRES_ISOLATION ("" for the default).
std::string isolation_parameter() {
  const char* isolation = std::getenv("MC_TEST_POSTGRES_ISOLATION");
  if (isolation == nullptr || *isolation == '\0') return "";
  return std::string("&mc_isolation=") + isolation;
}

// The libpq URL of the schema of `sqlite_file` (created on first use).
std::string schema_url(const std::filesystem::path& sqlite_file);

}  // namespace

bool testing_postgres() {
  return !base_url().empty();
}

std::string database_location(const std::filesystem::path& sqlite_file) {
  if (!testing_postgres()) return sqlite_file.string();
  return schema_url(sqlite_file) + isolation_parameter();
}

namespace {

std::string schema_url(const std::filesystem::path& sqlite_file) {
  std::string schema;
  {
    std::lock_guard lock(mutex);
    auto found = schemas().find(sqlite_file.string());
    if (found != schemas().end()) return with_schema(base_url(), found->second);
    static std::atomic<int> counter{0};
    schema = "mc_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    schemas()[sqlite_file.string()] = schema;
  }
  run_on(base_url(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return with_schema(base_url(), schema);
}

}  // namespace

void drop_test_databases_under(const std::filesystem::path& directory) {
  if (!testing_postgres()) return;
  std::vector<std::string> dropped;
  {
    std::lock_guard lock(mutex);
    const std::string prefix = directory.string();
    for (auto it = schemas().begin(); it != schemas().end();) {
      if (it->first.starts_with(prefix)) {
        dropped.push_back(it->second);
        it = schemas().erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const std::string& schema : dropped) {
    run_on(base_url(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }
}

void raw_sql(const std::filesystem::path& sqlite_file, const std::string& sql) {
  if (testing_postgres()) {
    // Foreign keys unchecked, as on a plain SQLite connection (foreign_keys is off there).
    run_on(schema_url(sqlite_file), "SET session_replication_role = replica; " + sql);
    return;
  }
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(sqlite_file.string().c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  INFO((error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

}  // namespace mc::test
