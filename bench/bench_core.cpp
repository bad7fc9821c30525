// bench_core — escrow transitions per second through the engine, next to raw SQLite doing the
// same writes with the same durability in the same run.
//
// A "transition" is one of create+fund, accept, complete on a j0 job. Five figures:
//   raw SQLite, one transaction per transition      (plain sqlite3 calls, WAL, synchronous=FULL)
//   raw SQLite, many transitions per transaction    (the same rows, 64 transitions per commit)
//   engine, one caller (one transaction per transition: each call waits for its commit)
//   engine, N concurrent callers (group commit: up to N units per transaction; N = 64 by
//   default, so a batch can hold as many transitions as the raw baseline's transactions)
//   engine, N asynchronous calls in flight from one thread (create_job_async/fire_async: the
//   same transitions, each call issued from the previous one's completion; no thread waits)
// and the ratio engine-grouped / raw-grouped (goal >= 60 %). The raw baseline writes exactly the
// rows the engine writes, into a database made by the engine's migrations (raw_engine_rows.h
// lists them); the engine adds its reads, guards, savepoints, JSON and hand-offs. Latency
// p50/p99 is per engine call; the writer's statistics split each transition's time between
// units and BEGIN/COMMIT; CPU time per transition compares the work done whatever else the
// machine runs; peak RSS is the process's. Everything runs in a fresh temporary directory.
// The writer's batches run speculatively (see store/sqlite/writer.h); "rerun" counts the
// batches that had to run again with savepoints (none here: no unit fails).
//
// Usage: bench_core [jobs_per_thread=40] [threads=64] [sequential_jobs=150]
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "marketcore/engine.h"
#include "raw_engine_rows.h"

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

// ---- engine ---------------------------------------------------------------------------------

struct EngineBench {
  std::unique_ptr<mc::Engine> engine;
  mc::MarketId market = 0;
  Latencies latencies;
  // PostgreSQL: a call refused as unavailable (store_conflict: it conflicted with concurrent
  // units too often) is made again, as a client would; `refused` counts those refusals.
  bool retry_unavailable = false;
  std::atomic<int64_t> refused{0};

  bool timed(const mc::Status& status, Clock::time_point start) {
    latencies.add(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!status.ok()) std::fprintf(stderr, "engine: %s\n", status.to_string().c_str());
    return status.ok();
  }

  bool again(const mc::Status& status) {
    if (!retry_unavailable || status.code() != mc::Code::unavailable) return false;
    ++refused;
    return true;
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
      if (again(created.status())) {
        --i;
        continue;
      }
      if (!timed(created.status(), start)) return false;
      ids.push_back(created->job.id);
    }
    for (const char* transition : {"accept", "complete"}) {
      for (mc::JobId id : ids) {
        const auto start = Clock::now();
        mc::FireTransition request{.job_id = id, .transition = transition, .actor_id = worker};
        mc::Status fired = engine->fire(request).status();
        while (again(fired)) fired = engine->fire(request).status();
        if (!timed(fired, start)) return false;
      }
    }
    return true;
  }

  // The same transitions through the asynchronous calls: `pairs.size()` chains in flight,
  // each running create+fund, accept, complete for `jobs` jobs, every call issued from the
  // previous one's completion (on the store's writer thread). No thread waits per call.
  bool run_jobs_async(const std::vector<std::pair<mc::PartyId, mc::PartyId>>& pairs, int64_t jobs) {
    struct Chain {
      mc::PartyId poster = 0;
      mc::PartyId worker = 0;
      int64_t jobs_left = 0;
    };
    std::latch finished(static_cast<std::ptrdiff_t>(pairs.size()));
    std::atomic<bool> failed{false};
    std::vector<Chain> chains;
    for (const auto& [poster, worker] : pairs) chains.push_back({poster, worker, jobs});
    // next(chain) starts the chain's next job; each step's completion starts the following.
    std::function<void(Chain&)> next = [&](Chain& chain) {
      if (chain.jobs_left-- == 0 || failed) return finished.count_down();
      const auto start = Clock::now();
      engine->create_job_async(
          {.market_id = market,
           .poster_id = chain.poster,
           .amount_minor = 10,
           .prompt = "Summarize",
           .category = "opus",
           .work_timeout_ms = 60'000},
          [&, start](mc::Result<mc::JobOutcome> created) {
            if (!timed(created.status(), start)) {
              failed = true;
              return finished.count_down();
            }
            fire_chain(chain, created->job.id, {"accept", "complete"}, 0, next, failed, finished);
          });
    };
    for (Chain& chain : chains) next(chain);
    finished.wait();
    return !failed;
  }

  template <typename ChainT>
  void fire_chain(ChainT& chain, mc::JobId job, std::array<const char*, 2> transitions,
                  size_t index, std::function<void(ChainT&)>& next, std::atomic<bool>& failed,
                  std::latch& finished) {
    if (index == transitions.size()) return next(chain);
    const auto start = Clock::now();
    engine->fire_async({.job_id = job, .transition = transitions[index], .actor_id = chain.worker},
                       [&, job, transitions, index, start](mc::Result<mc::JobOutcome> fired) {
                         if (!timed(fired.status(), start)) {
                           failed = true;
                           return finished.count_down();
                         }
                         fire_chain(chain, job, transitions, index + 1, next, failed, finished);
                       });
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

// CPU time (user + system) of the whole process so far, in microseconds.
double process_cpu_micros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto micros = [](const timeval& t) { return t.tv_sec * 1e6 + static_cast<double>(t.tv_usec); };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

// The same transitions on PostgreSQL when MC_BENCH_POSTGRES names a database (./dev.sh bench
// runs inside a throwaway pg_virtualenv cluster): one caller, then `threads` callers spread
// over `servers` engines on that database (each engine has its own connection pool, as each
// marketcore-server process would); under each isolation of write units (mc_isolation,
// src/store/postgres/isolation.h). CPU time is this process's only (the engine and libpq), not
// the PostgreSQL server's.
bool bench_postgres(const std::string& base_url, int64_t jobs_per_thread, int threads,
                    int64_t sequential_jobs) {
  for (const char* isolation : {"serializable", "read_committed"}) {
    const std::string url = base_url + (base_url.find('?') == std::string::npos ? '?' : '&') +
                            "mc_isolation=" + isolation;
    for (int servers : {1, 3}) {
      std::vector<std::unique_ptr<EngineBench>> engines;
      for (int i = 0; i < servers; ++i) {
        auto bench = std::make_unique<EngineBench>();
        bench->retry_unavailable = true;
        auto opened = mc::Engine::open({.database_path = url});
        if (!opened.ok()) {
          std::fprintf(stderr, "postgres: %s\n", opened.status().to_string().c_str());
          return false;
        }
        bench->engine = std::move(opened).value();
        bench->market =
            bench->engine->ensure_market(mc::builtin_market_config("j0").value()).value().id;
        engines.push_back(std::move(bench));
      }
      if (servers == 1) {
        auto [poster, worker] = engines[0]->pair();
        const double cpu_before = process_cpu_micros();
        const auto start = Clock::now();
        if (!engines[0]->run_jobs(poster, worker, sequential_jobs)) return false;
        const double single = static_cast<double>(3 * sequential_jobs) / seconds_since(start);
        std::printf(
            "  PostgreSQL %-14s engine, 1 caller                 %8.0f /s   p50 %7.0f us   "
            "CPU %.0f us/transition\n",
            isolation, single, engines[0]->latencies.percentile(0.50),
            (process_cpu_micros() - cpu_before) / static_cast<double>(3 * sequential_jobs));
        engines[0]->latencies.micros.clear();
      }
      std::vector<std::pair<mc::PartyId, mc::PartyId>> pairs;
      for (int i = 0; i < threads; ++i)
        pairs.push_back(engines[static_cast<size_t>(i % servers)]->pair());
      std::latch go(threads);
      std::atomic<bool> failed{false};
      std::vector<std::thread> workers;
      const double cpu_before = process_cpu_micros();
      const auto start = Clock::now();
      for (int i = 0; i < threads; ++i) {
        workers.emplace_back([&, i] {
          go.arrive_and_wait();
          EngineBench& bench = *engines[static_cast<size_t>(i % servers)];
          if (!bench.run_jobs(pairs[static_cast<size_t>(i)].first,
                              pairs[static_cast<size_t>(i)].second, jobs_per_thread)) {
            failed = true;
          }
        });
      }
      for (std::thread& thread : workers) thread.join();
      if (failed) return false;
      const double transitions = static_cast<double>(3 * jobs_per_thread * threads);
      const double rate = transitions / seconds_since(start);
      const double cpu = (process_cpu_micros() - cpu_before) / transitions;
      int64_t committed = 0;
      int64_t retried = 0;
      int64_t refused = 0;
      for (const auto& engine : engines) {
        const mc::Engine::WriterStatistics stats = engine->engine->writer_statistics();
        committed += stats.units_committed;
        retried += stats.units_failed;
        refused += engine->refused.load();
      }
      std::printf(
          "  PostgreSQL %-14s engine, %d callers on %d server%s %8.0f /s   CPU %.0f "
          "us/transition   (%lld units committed, %lld attempts rolled back, %lld calls "
          "refused after 200 and made again)\n",
          isolation, threads, servers, servers == 1 ? " " : "s", rate, cpu,
          static_cast<long long>(committed), static_cast<long long>(retried),
          static_cast<long long>(refused));
      auto report = engines[0]->engine->verify_ledger();
      if (!report.ok() || !report->ok()) return false;
    }
  }
  return true;
}

int main(int argc, char** argv) {
  // As marketcore-server does: no SQLite memory statistics, so no global mutex around every
  // sqlite3_malloc (for the raw baseline and the engine alike).
  mc::disable_sqlite_memory_statistics();
  const int64_t jobs_per_thread = argc > 1 ? std::atoll(argv[1]) : 40;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 64;
  const int64_t sequential_jobs = argc > 3 ? std::atoll(argv[3]) : 150;
  std::random_device random;
  const auto dir =
      std::filesystem::temp_directory_path() / ("marketcore-bench-" + std::to_string(random()));
  std::filesystem::create_directories(dir);

  // The raw baseline's database: the engine's schema, market, parties and accounts (one job
  // run through the engine so that every account the transitions touch exists).
  const std::string raw_path = (dir / "raw.db").string();
  mc::MarketId raw_market = 0;
  std::pair<mc::PartyId, mc::PartyId> raw_parties;
  {
    EngineBench setup;
    setup.engine = mc::Engine::open({.database_path = raw_path}).value();
    raw_market = setup.market =
        setup.engine->ensure_market(mc::builtin_market_config("j0").value()).value().id;
    raw_parties = setup.pair();
    if (!setup.run_jobs(raw_parties.first, raw_parties.second, 1)) return 1;
  }
  bench::RawEngineRows raw(raw_path, raw_market, raw_parties.first, raw_parties.second);
  const double raw_single = raw.rate(sequential_jobs, 1);
  double cpu_start = process_cpu_micros();
  const double raw_grouped = raw.rate(jobs_per_thread * threads, 64);
  const double raw_cpu_per_transition =
      (process_cpu_micros() - cpu_start) / static_cast<double>(3 * jobs_per_thread * threads);

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
  const mc::Engine::WriterStatistics before = bench.engine->writer_statistics();
  std::latch go(threads);
  cpu_start = process_cpu_micros();
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
  const mc::Engine::WriterStatistics after = bench.engine->writer_statistics();
  const double engine_cpu_per_transition =
      (process_cpu_micros() - cpu_start) / static_cast<double>(3 * jobs_per_thread * threads);
  if (failed) return 1;

  const double grouped_p50 = bench.latencies.percentile(0.50);
  const double grouped_p99 = bench.latencies.percentile(0.99);

  // The same load through the asynchronous calls, from one thread.
  bench.latencies.micros.clear();
  pairs.clear();
  for (int i = 0; i < threads; ++i) pairs.push_back(bench.pair());
  const mc::Engine::WriterStatistics async_before = bench.engine->writer_statistics();
  cpu_start = process_cpu_micros();
  start = Clock::now();
  if (!bench.run_jobs_async(pairs, jobs_per_thread)) return 1;
  const double engine_async =
      static_cast<double>(3 * jobs_per_thread * threads) / seconds_since(start);
  const double async_cpu_per_transition =
      (process_cpu_micros() - cpu_start) / static_cast<double>(3 * jobs_per_thread * threads);
  const mc::Engine::WriterStatistics async_after = bench.engine->writer_statistics();
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
      threads, engine_grouped, grouped_p50, grouped_p99);
  std::printf(
      "  engine, %d asynchronous calls in flight      %10.0f /s   p50 %7.0f us  p99 %7.0f "
      "us\n",
      threads, engine_async, bench.latencies.percentile(0.50), bench.latencies.percentile(0.99));
  std::printf(
      "  ratio engine grouped / raw grouped: %.1f %% waiting callers, %.1f %% asynchronous "
      "(goal >= 60 %%)\n",
      100.0 * engine_grouped / raw_grouped, 100.0 * engine_async / raw_grouped);
  const double units = static_cast<double>(after.units_committed - before.units_committed);
  const double batches = static_cast<double>(after.batches_committed - before.batches_committed);
  std::printf(
      "  grouped phase per transition: %.1f us in units (SQL + engine logic), %.1f us in "
      "BEGIN/COMMIT; %.1f units and %.1f pages per commit, %lld batches rerun\n",
      static_cast<double>(after.unit_nanos - before.unit_nanos) / 1000.0 / units,
      static_cast<double>(after.commit_nanos - before.commit_nanos) / 1000.0 / units,
      units / batches, static_cast<double>(after.pages_written - before.pages_written) / batches,
      static_cast<long long>(after.batches_rerun - before.batches_rerun));
  const double async_units =
      static_cast<double>(async_after.units_committed - async_before.units_committed);
  const double async_batches =
      static_cast<double>(async_after.batches_committed - async_before.batches_committed);
  std::printf("  asynchronous phase: %.1f units per commit\n", async_units / async_batches);
  std::printf(
      "  CPU time per transition (user + system): raw grouped %.1f us, engine grouped %.1f us "
      "(waiting callers), %.1f us (asynchronous)\n",
      raw_cpu_per_transition, engine_cpu_per_transition, async_cpu_per_transition);
  std::printf("  peak RSS: %ld KiB\n", peak_rss_kib());
  bench.engine.reset();
  if (const char* url = std::getenv("MC_BENCH_POSTGRES"); url != nullptr && *url != '\0') {
    // A quarter of the SQLite run's jobs: a PostgreSQL transition costs several round trips.
    if (!bench_postgres(url, std::max<int64_t>(jobs_per_thread / 4, 5), threads,
                        std::max<int64_t>(sequential_jobs / 3, 20))) {
      return 1;
    }
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return 0;
}
