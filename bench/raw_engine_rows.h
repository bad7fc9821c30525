// RawEngineRows: the raw-SQLite baseline of bench_core. It writes, with plain sqlite3 calls and
// no reads, the same rows the engine writes for a j0 job's create+fund, accept and complete,
// into a database whose schema the engine's own migrations made (same tables, indexes,
// foreign keys, AUTOINCREMENT), with the same pragmas (WAL, synchronous=FULL, foreign_keys).
//
// Per transition (the engine's writes, as counted from its SQL trace):
//   create+fund  INSERT jobs; INSERT accounts (the hold's account); UPDATE accounts x2 and
//                INSERT transfers (poster -> hold); INSERT holds; UPDATE jobs (state, hold);
//                INSERT job_history; INSERT events + event_parties (job.created, broadcast);
//                INSERT events + event_parties (balance.updated); INSERT timers
//   accept       UPDATE jobs; INSERT job_history; INSERT events + event_parties x2;
//                DELETE timers; INSERT timers x2
//   complete     UPDATE accounts x2 + INSERT transfers (hold -> worker); UPDATE accounts x2 +
//                INSERT transfers (hold -> platform fee); UPDATE holds; UPDATE jobs;
//                INSERT job_history; INSERT events + event_parties x2 (job.completed);
//                INSERT events + event_parties x2 (balance.updated of poster and worker);
//                DELETE timers
// What the engine does on top: reading the rows it checks (job, parties, accounts, hold,
// dispute, balances), the guards, the savepoint around each unit, JSON, the hand-offs.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace bench {

class RawEngineRows {
 public:
  // `path` holds a database made by the engine: market `market`, poster and worker parties
  // with available accounts `poster_account` / `worker_account` and the platform account.
  RawEngineRows(const std::string& path, int64_t market, int64_t poster, int64_t worker)
      : market_(market), poster_(poster), worker_(worker) {
    sqlite3_open(path.c_str(), &db_);
    exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        "PRAGMA temp_store=MEMORY;");
    poster_account_ = account_id(2, poster);
    worker_account_ = account_id(2, worker);
    platform_account_ = account_id(1, 0);
    next_hold_ = run("SELECT COALESCE(MAX(id), 0) FROM holds", {});
  }
  ~RawEngineRows() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  RawEngineRows(const RawEngineRows&) = delete;
  RawEngineRows& operator=(const RawEngineRows&) = delete;

  // Runs create+fund, accept, complete for `jobs` jobs (all creates, then all accepts, then all
  // completes, as the engine benchmark does), `per_commit` transitions per transaction.
  // Returns transitions per second.
  double rate(int64_t jobs, int per_commit);

 private:
  struct Open {
    int64_t job = 0, hold = 0, hold_account = 0;
  };
  using Value = std::variant<int64_t, std::string, std::nullptr_t>;

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s\n", error ? error : "?");
      std::exit(1);
    }
  }

  // Runs one statement (prepared once, cached by its text as the engine caches its own) and
  // returns the rows it changed.
  int64_t run(const char* sql, std::initializer_list<Value> values);
  int64_t account_id(int kind, int64_t owner);

  void create(Open& open);
  void accept(const Open& open);
  void complete(const Open& open);
  void event(const char* type, int64_t job, std::initializer_list<int64_t> parties,
             const std::string& payload, bool broadcast);

  sqlite3* db_ = nullptr;
  std::map<const char*, sqlite3_stmt*> statements_;
  std::vector<Open> open_;  // the jobs of the current rate() call
  int64_t next_hold_ = 0;
  int64_t market_ = 0, poster_ = 0, worker_ = 0;
  int64_t poster_account_ = 0, worker_account_ = 0, platform_account_ = 0;
  int64_t now_ms_ = 1'700'000'000'000;
};

}  // namespace bench
