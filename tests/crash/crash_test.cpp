// Crash test of the store's durability: a child process doing acknowledged money movements
// from several threads is killed with SIGKILL at a random moment, over and over. After each
// kill the database must open, verify_ledger must hold, and every transfer the child reported
// as committed (reported through a pipe only after Store::write returned ok) must be present.
//
// Each unit is multi-leg: a deposit, an escrow hold from it, and the hold posted to a worker
// and the platform — so a torn unit would also break the ledger's balance.
//
// Environment: MC_CRASH_SEED (default: from the clock), MC_CRASH_ROUNDS (default 60). The seed
// is printed so a failing run can be replayed.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <thread>

#include "store/store_fixture.h"

namespace {

using mc::AccountKind;
using mc::store::Transaction;

constexpr int kChildThreads = 8;
constexpr int kChildUnitsMax = 1'000'000;
constexpr int64_t kNowMs = 1'700'000'000'000;

uint64_t env_or(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  return text != nullptr ? std::strtoull(text, nullptr, 10) : fallback;
}

// One multi-leg unit; returns the id of its deposit transfer.
mc::Result<mc::TransferId> move_money(Transaction& tx, mc::MarketId market, mc::PartyId party,
                                      int64_t amount_minor) {
  const mc::AccountRef poster{market, AccountKind::available, party};
  MC_TRY_ASSIGN(mc::TransferId id, tx.transfer({market, AccountKind::world, 0}, poster,
                                               amount_minor, "deposit", std::nullopt));
  MC_TRY_ASSIGN(mc::Hold hold, tx.create_hold(mc::HoldPurpose::escrow, poster, amount_minor,
                                              std::nullopt, party, "job_post"));
  const int64_t fee_minor = amount_minor / 10;
  MC_TRY(tx.post_hold(
      hold.id, {{{market, AccountKind::available, party + 1}, amount_minor - fee_minor, "job_earn"},
                {{market, AccountKind::platform, 0}, fee_minor, "platform_fee"}}));
  return id;
}

// The child: opens the store (creating it on the first round), then moves money from several
// threads until killed, writing each acknowledged transfer id to `fd`.
[[noreturn]] void run_child(const std::string& path, int fd) {
  mc::store::StoreOptions options;
  options.path = path;
  options.reader_connections = 1;
  auto opened = mc::store::open_sqlite_store(options);
  if (!opened.ok()) _exit(2);
  mc::store::Store& store = *opened.value();
  mc::MarketId market = 0;
  mc::Status status = store.write(kNowMs, [&](Transaction& tx) -> mc::Status {
    auto found = tx.market_by_name("crash");
    if (found.ok()) {
      market = found->id;
      return mc::ok_status();
    }
    MC_TRY_ASSIGN(market, tx.insert_market(mc::store::testing::test_market_config("crash")));
    return mc::ok_status();
  });
  if (!status.ok()) _exit(3);
  std::mutex pipe_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < kChildThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kChildUnitsMax; ++i) {
        const mc::PartyId party = 1 + 100 * t + 2 * (i % 5);
        const int64_t amount_minor = 10 + i % 90;
        mc::Result<mc::TransferId> id = store.write_result<mc::TransferId>(
            kNowMs, [&](Transaction& tx) { return move_money(tx, market, party, amount_minor); });
        if (!id.ok()) _exit(4);
        const mc::TransferId value = id.value();
        std::lock_guard<std::mutex> lock(pipe_mutex);
        if (write(fd, &value, sizeof value) != static_cast<ssize_t>(sizeof value)) _exit(5);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  while (true) pause();
}

std::vector<mc::TransferId> read_ids(int fd) {
  std::vector<mc::TransferId> ids;
  std::vector<char> bytes;
  char buffer[4096];
  while (true) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got <= 0) break;
    bytes.insert(bytes.end(), buffer, buffer + got);
  }
  // Writes of 8 bytes to a pipe are atomic, so no id is torn.
  REQUIRE(bytes.size() % sizeof(mc::TransferId) == 0);
  ids.resize(bytes.size() / sizeof(mc::TransferId));
  if (!bytes.empty()) std::memcpy(ids.data(), bytes.data(), bytes.size());
  return ids;
}

// Counts how many of `ids` are absent from the transfers table.
int64_t missing_transfers(const std::string& path, const std::vector<mc::TransferId>& ids) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT 1 FROM transfers WHERE id = ?1", -1, &stmt, nullptr) ==
          SQLITE_OK);
  int64_t missing = 0;
  for (mc::TransferId id : ids) {
    sqlite3_bind_int64(stmt, 1, id);
    if (sqlite3_step(stmt) != SQLITE_ROW) ++missing;
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return missing;
}

}  // namespace

TEST_CASE("crash: SIGKILL at random moments loses no acknowledged transfer") {
  const uint64_t seed =
      env_or("MC_CRASH_SEED",
             static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  const uint64_t rounds = env_or("MC_CRASH_ROUNDS", 60);
  std::fprintf(stderr, "crash test: MC_CRASH_SEED=%llu MC_CRASH_ROUNDS=%llu\n",
               static_cast<unsigned long long>(seed), static_cast<unsigned long long>(rounds));
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<int> delay_ms(
      0, static_cast<int>(env_or("MC_CRASH_DELAY_MAX_MS", 400)));
  mc::store::testing::TempDir dir;
  const std::string path = dir.file("crash.db");
  const auto started = std::chrono::steady_clock::now();
  int64_t acknowledged = 0;
  int64_t killed_mid_work = 0;
  for (uint64_t round = 0; round < rounds; ++round) {
    CAPTURE(round);
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::fflush(nullptr);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      close(fds[0]);
      run_child(path, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    REQUIRE(kill(child, SIGKILL) == 0);
    int wait_status = 0;
    REQUIRE(waitpid(child, &wait_status, 0) == child);
    // The child must have died by our signal, not by an error of its own.
    REQUIRE(WIFSIGNALED(wait_status));
    REQUIRE(WTERMSIG(wait_status) == SIGKILL);
    const std::vector<mc::TransferId> ids = read_ids(fds[0]);
    close(fds[0]);
    acknowledged += static_cast<int64_t>(ids.size());
    killed_mid_work += ids.empty() ? 0 : 1;

    mc::store::StoreOptions options;
    options.path = path;
    auto reopened = mc::store::open_sqlite_store(options);
    REQUIRE_MESSAGE(reopened.ok(), reopened.status().to_string());
    auto report = reopened.value()->read_result<mc::LedgerReport>(
        [](mc::store::Reader& r) { return r.verify_ledger(); });
    REQUIRE(report.ok());
    for (const std::string& problem : report.value().problems) MESSAGE(problem);
    REQUIRE(report.value().ok());
    reopened.value().reset();
    CHECK(missing_transfers(path, ids) == 0);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::fprintf(stderr,
               "crash test: %llu rounds, %lld acknowledged transfers checked (%lld rounds killed "
               "mid-work) in %.1f s\n",
               static_cast<unsigned long long>(rounds), static_cast<long long>(acknowledged),
               static_cast<long long>(killed_mid_work), seconds);
  // Most rounds must kill a child that had acknowledged work (not only during its start-up);
  // a quarter is the floor even on a loaded machine.
  CHECK(killed_mid_work >= static_cast<int64_t>(rounds / 4));
}
