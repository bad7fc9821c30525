// open_postgres_store: the PostgreSQL Store — a pool of libpq connections; every write unit is
// one READ COMMITTED transaction that locks what it reads and then writes (locks_sql.cpp), or
// with mc_isolation=serializable in the URL one SERIALIZABLE transaction (isolation.h), retried
// whole on a deadlock or a serialization failure; every read is one REPEATABLE READ READ ONLY
// transaction (one snapshot, as an SQLite reader).
//
// The engine's units were written for SQLite's single writer — they read, check a rule (a
// balance, a state, an idempotency key, a unique e-mail) and write. Under SERIALIZABLE every
// committed unit behaves as if the units had run one at a time without a lock in the engine,
// but under contention most attempts are rolled back (every unit writes the outbox and the
// market's hot accounts). Under READ COMMITTED the store takes the locks each rule needs, so
// units wait instead of failing. A unit that conflicts more than kAttemptsMax times in a row
// gets unavailable/"store_conflict" (transient). See docs/scaling.md for the measurements.
//
// No group commit: concurrent units commit on their own connections and PostgreSQL's WAL
// writer already flushes concurrent commits together.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "store/postgres/connection.h"
#include "store/postgres/isolation.h"
#include "store/postgres/migrations.h"
#include "store/postgres/transaction.h"
#include "store/store.h"

namespace mc::store {
namespace {

constexpr int kAttemptsMax = 200;
constexpr int32_t kWriterConnections = 8;

// Under READ COMMITTED units wait on row locks, so a deadlock is found sooner than PostgreSQL's
// default second; only a role allowed to set it can (else the server's setting stays).
void prepare_session(postgres::Connection& connection, postgres::Isolation isolation) {
  if (isolation != postgres::Isolation::read_committed) return;
  connection.exec("SET deadlock_timeout = '100ms'").ignore();
}

// Up to `size` connections to `url`, opened when first needed; a caller waits while every one
// is in use.
class ConnectionPool {
 public:
  ConnectionPool(std::string url, int32_t size, postgres::Isolation isolation,
                 std::unique_ptr<postgres::Connection> first)
      : url_(std::move(url)), size_(size), isolation_(isolation) {
    free_.push_back(std::move(first));
    opened_ = 1;
  }

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<postgres::Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease() { pool_.give_back(std::move(connection_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    postgres::Connection& operator*() const { return *connection_; }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<postgres::Connection> connection_;
  };

  Result<std::unique_ptr<Lease>> acquire() {
    std::unique_lock lock(mutex_);
    available_.wait(lock, [&] { return !free_.empty() || opened_ < size_; });
    if (free_.empty()) {
      ++opened_;
      lock.unlock();
      Result<std::unique_ptr<postgres::Connection>> opened = postgres::Connection::open(url_);
      if (!opened.ok()) {
        lock.lock();
        --opened_;
        available_.notify_one();
        return opened.status();
      }
      prepare_session(**opened, isolation_);
      return std::make_unique<Lease>(*this, std::move(opened).value());
    }
    std::unique_ptr<postgres::Connection> connection = std::move(free_.back());
    free_.pop_back();
    return std::make_unique<Lease>(*this, std::move(connection));
  }

 private:
  void give_back(std::unique_ptr<postgres::Connection> connection) {
    {
      std::lock_guard lock(mutex_);
      free_.push_back(std::move(connection));
    }
    available_.notify_one();
  }

  const std::string url_;
  const int32_t size_;
  const postgres::Isolation isolation_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<postgres::Connection>> free_;  // guarded by mutex_
  int32_t opened_ = 0;                                       // guarded by mutex_
};

// Makes a broken connection usable again (the server restarted, the network dropped).
Status ready(postgres::Connection& connection) {
  if (!connection.broken()) return ok_status();
  return connection.reset();
}

void rollback(postgres::Connection& connection) {
  connection.exec("ROLLBACK").ignore();
}

// Sleeps a random while that grows with the attempt, so conflicting units spread out.
void back_off(int attempt) {
  thread_local std::mt19937 random(std::random_device{}());
  const int ceiling_us = 100 << std::min(attempt, 5);
  std::uniform_int_distribution<int> pick(0, ceiling_us);
  std::this_thread::sleep_for(std::chrono::microseconds(pick(random)));
}

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string url, int32_t pool_size, postgres::Isolation isolation,
                int32_t queue_units_max, std::unique_ptr<postgres::Connection> first)
      : pool_(std::move(url), pool_size, isolation, std::move(first)),
        isolation_(isolation),
        queue_units_max_(queue_units_max),
        markets_(std::make_shared<sqlite::MarketCache>()) {}

  // As on SQLite, at most queue_units_max write() calls wait or run at once; more are refused.
  Status write(int64_t now_ms, const std::function<Status(Transaction&)>& unit) override {
    if (writes_.fetch_add(1) >= queue_units_max_) {
      writes_.fetch_sub(1);
      return Status(Code::resource_exhausted, "write_queue_full",
                    "the store's write queue is full; retry later");
    }
    Status status = write_unit(now_ms, unit);
    writes_.fetch_sub(1);
    return status;
  }

  Status write_unit(int64_t now_ms, const std::function<Status(Transaction&)>& unit) {
    MC_TRY_ASSIGN(std::unique_ptr<ConnectionPool::Lease> lease, pool_.acquire());
    postgres::Connection& connection = **lease;
    for (int attempt = 1;; ++attempt) {
      MC_TRY(ready(connection));
      MC_TRY(connection.begin(postgres::begin_write_sql(isolation_)));
      postgres::PgTransaction tx(connection, now_ms, markets_.get(), false,
                                 isolation_ == postgres::Isolation::read_committed);
      Status result = unit(tx);
      if (connection.retry_needed()) {
        rollback(connection);
        count(&StoreStats::units_failed);
        if (attempt == kAttemptsMax) return conflict_exhausted();
        back_off(attempt);
        continue;
      }
      if (!result.ok() || connection.failed()) {
        rollback(connection);
        count(&StoreStats::units_failed);
        if (result.ok()) {
          // A statement failed (and aborted the transaction) but the unit went on and said ok.
          return internal_error("postgres_error", "a statement of the unit failed");
        }
        return result;
      }
      Status committed = connection.exec("COMMIT");
      if (!committed.ok()) {
        if (connection.retry_needed()) {  // refused at commit: nothing was written
          count(&StoreStats::units_failed);
          if (attempt == kAttemptsMax) return conflict_exhausted();
          back_off(attempt);
          continue;
        }
        // The connection failed during COMMIT: whether it committed is unknown until re-read.
        count(&StoreStats::units_failed);
        return Status(Code::unavailable, "store_unavailable", committed.message());
      }
      std::lock_guard lock(stats_mutex_);
      ++stats_.batches_committed;
      ++stats_.units_committed;
      stats_.batch_units_largest = 1;
      return ok_status();
    }
  }

  Status read(const std::function<Status(Reader&)>& query) override {
    MC_TRY_ASSIGN(std::unique_ptr<ConnectionPool::Lease> lease, pool_.acquire());
    postgres::Connection& connection = **lease;
    MC_TRY(ready(connection));
    MC_TRY(connection.begin("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    postgres::PgTransaction reader(connection, 0, markets_.get(), true);
    Status result = query(reader);
    Status ended = connection.exec(result.ok() ? "COMMIT" : "ROLLBACK");
    if (!result.ok()) return result;
    return ended;
  }

  StoreStats stats() const override {
    std::lock_guard lock(stats_mutex_);
    return stats_;
  }

 private:
  static Status conflict_exhausted() {
    return Status(Code::unavailable, "store_conflict",
                  "the unit conflicted with concurrent units " + std::to_string(kAttemptsMax) +
                      " times in a row");
  }

  void count(int64_t StoreStats::*counter) {
    std::lock_guard lock(stats_mutex_);
    ++(stats_.*counter);
  }

  ConnectionPool pool_;
  const postgres::Isolation isolation_;
  const int32_t queue_units_max_;
  std::atomic<int32_t> writes_{0};  // write() calls waiting or running
  std::shared_ptr<sqlite::MarketCache> markets_;
  mutable std::mutex stats_mutex_;
  StoreStats stats_;  // guarded by stats_mutex_
};

}  // namespace

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgres://") || location.starts_with("postgresql://");
}

Result<std::unique_ptr<Store>> open_postgres_store(const StoreOptions& options) {
  if (!is_postgres_url(options.path)) {
    return invalid_argument("store_path_invalid",
                            "a PostgreSQL store needs a postgres:// or postgresql:// URL", "path");
  }
  MC_TRY_ASSIGN(postgres::StoreUrl url, postgres::parse_store_url(options.path));
  MC_TRY_ASSIGN(std::unique_ptr<postgres::Connection> first,
                postgres::Connection::open(url.libpq_url));
  MC_TRY(postgres::apply_migrations(*first, options.progress));
  prepare_session(*first, url.isolation);
  const int32_t size = std::max(options.reader_connections, 1) + kWriterConnections;
  return std::unique_ptr<Store>(new PostgresStore(
      url.libpq_url, size, url.isolation, std::max(options.queue_units_max, 1), std::move(first)));
}

Result<std::unique_ptr<Store>> open_store(const StoreOptions& options) {
  if (is_postgres_url(options.path)) return open_postgres_store(options);
  return open_sqlite_store(options);
}

}  // namespace mc::store
