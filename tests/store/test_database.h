// test_database.h — where the engine-level tests (tests/engine, tests/scenarios) keep their
// database, so one test source runs against both stores.
//
// Without MC_TEST_POSTGRES the location is the SQLite file the test names. With
// MC_TEST_POSTGRES set to a libpq URL (e.g. "postgresql://" inside pg_virtualenv, which sets
// PGHOST, PGPORT, PGUSER, PGPASSWORD), each file name becomes a schema of its own in that
// database (the same file gives the same schema, so a test can reopen it), and the URL selects
// it through search_path. drop_test_databases_under removes the schemas of a test directory.
// MC_TEST_POSTGRES_ISOLATION (read_committed, the store's default, or serializable) adds the
// store's mc_isolation parameter to every location, so the same tests run under either.
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <filesystem>
#include <string>

namespace mc::test {

// True when MC_TEST_POSTGRES is set: the tests run on PostgreSQL.
bool testing_postgres();

// The database location (Engine's database_path, StoreOptions::path) for `sqlite_file`.
std::string database_location(const std::filesystem::path& sqlite_file);

// Drops the PostgreSQL schemas handed out for files under `directory` (nothing on SQLite).
void drop_test_databases_under(const std::filesystem::path& directory);

// Runs `sql` on the database of `sqlite_file` outside the store (tests that damage rows), with
// foreign keys unchecked as on a plain SQLite connection; REQUIREs success.
void raw_sql(const std::filesystem::path& sqlite_file, const std::string& sql);

}  // namespace mc::test
