// bench_core — escrow transitions per second through the engine, next to raw SQLite doing the
// same writes with the same durability in the same run.
//
// A "transition" is one of create+fund, accept, complete on a j0 job. Four figures:
//   raw SQLite, one transaction per transition      (plain sqlite3 calls, WAL, synchronous=FULL)
//   raw SQLite, many transitions per transaction    (the same rows, 64 transitions per commit)
//   engine, one caller (one transaction per transition: each call waits for its commit)
//   engine, N concurrent callers (group commit: many units per transaction)
// and the ratio engine-grouped / raw-grouped (goal ≥ 50 %). Latency p50/p99 is per engine
// call; peak RSS is the process's. Everything runs in a fresh temporary directory.
//
// Usage: bench_core [jobs_per_thread=40] [threads=32] [sequential_jobs=150]
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <latch>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "marketcore/engine.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Latencies {
  std::mutex mutex;
  std::vector<double> micros;
  void add(double value) {
    std::lock_guard lock(mutex);
    micros.push_back(value);
  }
  double percentile(double p) {
    if (micros.empty()) return 0;
    std::sort(micros.begin(), micros.end());
    return micros[std::min(micros.size() - 1, static_cast<size_t>(p * micros.size()))];
  }
};

// ---- raw SQLite baseline ------------------------------------------------------------------

void exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", error ? error : "?");
    sqlite3_free(error);
    std::exit(1);
  }
}

class RawStore {
 public:
  explicit RawStore(const std::string& path) {
    sqlite3_open(path.c_str(), &db_);
    exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
    exec(db_,
         "CREATE TABLE accounts(id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);"
         "CREATE TABLE jobs(id INTEGER PRIMARY KEY, state TEXT, version INTEGER, poster INTEGER,"
         " worker INTEGER, amount INTEGER, hold INTEGER, prompt TEXT, updated INTEGER);"
         "CREATE TABLE holds(id INTEGER PRIMARY KEY, job INTEGER, state INTEGER, amount INTEGER);"
         "CREATE TABLE transfers(id INTEGER PRIMARY KEY, debit INTEGER, credit INTEGER,"
         " amount INTEGER, reason TEXT, job INTEGER, at INTEGER);"
         "CREATE TABLE history(id INTEGER PRIMARY KEY, job INTEGER, transition TEXT, at INTEGER);"
         "CREATE TABLE events(id INTEGER PRIMARY KEY, type TEXT, job INTEGER, payload TEXT);"
         "INSERT INTO accounts(id, balance) VALUES (1, 1000000000), (2, 0), (3, 0), (4, 0);");
  }
  ~RawStore() { sqlite3_close(db_); }

  void run(const char* sql, std::initializer_list<int64_t> values) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    int index = 1;
    for (int64_t value : values) sqlite3_bind_int64(stmt, index++, value);
    if (sqlite3_step(stmt) != SQLITE_DONE) std::exit(2);
    sqlite3_finalize(stmt);
  }

  // The rows the engine writes for each transition (job, hold, two-leg transfers, balances,
  // history, events).
  void transition(int kind, int64_t job) {
    const char* move = "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1";
    const char* transfer =
        "INSERT INTO transfers(debit, credit, amount, reason, job, at) VALUES (?1, ?2, ?3, 'x', "
        "?4, 0)";
    const char* history = "INSERT INTO history(job, transition, at) VALUES (?1, 't', 0)";
    const char* event = "INSERT INTO events(type, job, payload) VALUES ('e', ?1, '{}')";
    if (kind == 0) {
      run("INSERT INTO jobs(id, state, version, poster, amount, prompt, updated) VALUES (?1, "
          "'posted', 0, 1, 10, 'Summarize', 0)",
          {job});
      run("INSERT INTO holds(id, job, state, amount) VALUES (?1, ?1, 0, 10)", {job});
      run(move, {1, -10});
      run(transfer, {1, 100 + job, 10, job});
      run("UPDATE jobs SET hold = ?1, version = version + 1 WHERE id = ?1", {job});
      run(history, {job});
      run(event, {job});
      run(event, {job});
    } else if (kind == 1) {
      run("UPDATE jobs SET state = 'accepted', worker = 2, version = version + 1 WHERE id = ?1 "
          "AND state = 'posted'",
          {job});
      run(history, {job});
      run(event, {job});
    } else {
      run("UPDATE holds SET state = 1 WHERE id = ?1 AND state = 0", {job});
      run(move, {2, 9});
      run(move, {3, 1});
      run(transfer, {100 + job, 2, 9, job});
      run(transfer, {100 + job, 3, 1, job});
      run("UPDATE jobs SET state = 'completed', version = version + 1 WHERE id = ?1", {job});
      run(history, {job});
      run(event, {job});
      run(event, {job});
      run(event, {job});
    }
  }

  double rate(int64_t jobs, int per_commit) {
    const auto start = Clock::now();
    int64_t in_transaction = 0;
    for (int kind = 0; kind < 3; ++kind) {
      for (int64_t job = 1; job <= jobs; ++job) {
        if (in_transaction == 0) exec(db_, "BEGIN IMMEDIATE");
        transition(kind, job + offset_);
        if (++in_transaction == per_commit) {
          exec(db_, "COMMIT");
          in_transaction = 0;
        }
      }
    }
    if (in_transaction > 0) exec(db_, "COMMIT");
    offset_ += jobs;
    return static_cast<double>(3 * jobs) / seconds_since(start);
  }

 private:
  sqlite3* db_ = nullptr;
  int64_t offset_ = 0;
};

// ---- engine ---------------------------------------------------------------------------------

struct EngineBench {
  std::unique_ptr<mc::Engine> engine;
  mc::MarketId market = 0;
  Latencies latencies;

  bool timed(const mc::Status& status, Clock::time_point start) {
    latencies.add(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!status.ok()) std::fprintf(stderr, "engine: %s\n", status.to_string().c_str());
    return status.ok();
  }

  // Runs create+fund, accept, complete for `jobs` jobs of one poster/worker pair.
  bool run_jobs(mc::PartyId poster, mc::PartyId worker, int64_t jobs) {
    std::vector<mc::JobId> ids;
    for (int64_t i = 0; i < jobs; ++i) {
      const auto start = Clock::now();
      auto created = engine->create_job({.market_id = market,
                                         .poster_id = poster,
                                         .amount_minor = 10,
                                         .prompt = "Summarize",
                                         .category = "opus",
                                         .work_timeout_ms = 60'000});
      if (!timed(created.status(), start)) return false;
      ids.push_back(created->job.id);
    }
    for (const char* transition : {"accept", "complete"}) {
      for (mc::JobId id : ids) {
        const auto start = Clock::now();
        mc::FireTransition request{.job_id = id, .transition = transition, .actor_id = worker};
        if (!timed(engine->fire(request).status(), start)) return false;
      }
    }
    return true;
  }

  std::pair<mc::PartyId, mc::PartyId> pair() {
    auto poster = engine->register_party({.market_id = market, .kind = "agent"}).value().id;
    auto worker = engine->register_party({.market_id = market, .kind = "agent"}).value().id;
    engine->deposit({.market_id = market, .party_id = poster, .amount_minor = 1'000'000})
        .status()
        .ignore();
    return {poster, worker};
  }
};

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

int main(int argc, char** argv) {
  const int64_t jobs_per_thread = argc > 1 ? std::atoll(argv[1]) : 40;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 32;
  const int64_t sequential_jobs = argc > 3 ? std::atoll(argv[3]) : 150;
  std::random_device random;
  const auto dir =
      std::filesystem::temp_directory_path() / ("marketcore-bench-" + std::to_string(random()));
  std::filesystem::create_directories(dir);

  RawStore raw((dir / "raw.db").string());
  const double raw_single = raw.rate(sequential_jobs, 1);
  const double raw_grouped = raw.rate(jobs_per_thread * threads, 64);

  EngineBench bench;
  bench.engine = mc::Engine::open({.database_path = (dir / "engine.db").string()}).value();
  bench.market = bench.engine->ensure_market(mc::builtin_market_config("j0").value()).value().id;
  auto [poster, worker] = bench.pair();
  auto start = Clock::now();
  if (!bench.run_jobs(poster, worker, sequential_jobs)) return 1;
  const double engine_single = static_cast<double>(3 * sequential_jobs) / seconds_since(start);
  const double single_p50 = bench.latencies.percentile(0.50);
  const double single_p99 = bench.latencies.percentile(0.99);

  bench.latencies.micros.clear();
  std::vector<std::pair<mc::PartyId, mc::PartyId>> pairs;
  for (int i = 0; i < threads; ++i) pairs.push_back(bench.pair());
  std::latch go(threads);
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  start = Clock::now();
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      go.arrive_and_wait();
      if (!bench.run_jobs(pairs[i].first, pairs[i].second, jobs_per_thread)) failed = true;
    });
  }
  for (std::thread& thread : workers) thread.join();
  const double engine_grouped =
      static_cast<double>(3 * jobs_per_thread * threads) / seconds_since(start);
  if (failed) return 1;
  auto report = bench.engine->verify_ledger();
  if (!report.ok() || !report->ok()) return 1;

  std::printf(
      "bench_core: escrow transitions (create+fund, accept, complete), WAL, "
      "synchronous=FULL\n");
  std::printf("  raw SQLite, 1 transition per transaction    %10.0f /s\n", raw_single);
  std::printf("  raw SQLite, 64 transitions per transaction  %10.0f /s\n", raw_grouped);
  std::printf(
      "  engine, 1 caller (1 per transaction)        %10.0f /s   p50 %7.0f us  p99 %7.0f "
      "us  (%.0f %% of raw)\n",
      engine_single, single_p50, single_p99, 100.0 * engine_single / raw_single);
  std::printf(
      "  engine, %d callers (group commit)           %10.0f /s   p50 %7.0f us  p99 %7.0f "
      "us\n",
      threads, engine_grouped, bench.latencies.percentile(0.50), bench.latencies.percentile(0.99));
  std::printf("  ratio engine grouped / raw grouped: %.1f %% (goal >= 50 %%)\n",
              100.0 * engine_grouped / raw_grouped);
  std::printf("  peak RSS: %ld KiB\n", peak_rss_kib());
  bench.engine.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
