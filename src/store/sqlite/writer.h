// Writer: the single writer connection with group commit (the model is LevelDB's
// DBImpl::Write).
//
// Each write() call queues a request and waits. The request at the front of the queue becomes
// the leader: it takes up to `batch_units_max` queued requests (its own first), and on the
// writer connection runs them in one transaction, then hands every request of the batch its
// result and wakes the next leader. While a leader commits (and waits for the fsync), later
// callers queue up and share the next commit, so throughput is not bound by one fsync per
// request. Units run on the leader's thread; a write() caller is blocked meanwhile, so whatever
// its unit captured by reference stays valid (a write_async() unit owns what it needs).
//
// A batch runs speculatively first, without a savepoint per unit:
//     BEGIN IMMEDIATE; <unit 1>; <unit 2>; ...; COMMIT
// A unit that fails before writing a row (most refusals: the engine checks, then writes)
// needs nothing undone, and the batch goes on. A unit that fails after writing has writes in
// the transaction that only a savepoint could take out; the leader then rolls the speculative
// transaction back and runs the whole batch again with a savepoint around each unit:
//     BEGIN IMMEDIATE
//       SAVEPOINT unit; <unit 1>; RELEASE unit      (or ROLLBACK TO + RELEASE on failure)
//       SAVEPOINT unit; <unit 2>; ...
//     COMMIT
// Whether a unit wrote is read from sqlite3_total_changes64, which counts every row an INSERT,
// UPDATE or DELETE changed (trigger programs included) and nothing of a statement SQLite
// rolled back. So a unit must be re-runnable: the same result from the same database state,
// outputs assigned rather than accumulated, and no effect outside the store (every engine unit
// is a function of its inputs and the transaction). Work that may change the schema
// (exclusive()) always runs inside its savepoint. After a batch had to be run again, the next
// kSafeBatchesAfterRerun batches run with savepoints from the start, so a stream of refusals
// after writes costs one extra pass per stream, not per batch. Savepoints cost a copy of every
// page a unit changes into the statement journal, which is why they are not the default.
//
// Failure rules (the LevelDB / SQLite model: a batch commits whole or not at all):
//   - A unit that fails gets its own Status and leaves no trace (nothing written, or its
//     savepoint rolled back: ROLLBACK TO + RELEASE); the batch goes on and commits the other
//     units.
//   - The batch is lost when the SQLite transaction cannot be kept whole: BEGIN, SAVEPOINT,
//     RELEASE or ROLLBACK TO fails, or SQLite ended the transaction itself inside a unit (an
//     I/O error or a full disk can), or ROLLBACK of a speculative pass fails. Then the writer rolls
//     the whole transaction back — a unit whose ROLLBACK TO failed still has its writes in it, so
//     the batch is never committed — and every unit of the batch, the ones that had succeeded and
//     the ones that had failed on their own alike, gets unavailable/"store_unavailable" (transient:
//     nothing of the batch was written, a retry may succeed). The writer then takes the next batch.
//   - A failed COMMIT fails every unit of the batch with unavailable/"store_unavailable" and
//     leaves the writer broken: every later write gets unavailable/"store_broken" until the
//     store is closed and opened again. Whether the failed commit reached the disk is known
//     only then (its WAL frames may have been written before the sync failed), so callers
//     re-read the state after the reopen; a caller is never told ok for a unit that is not
//     durable. A failed ROLLBACK breaks the writer the same way.
// Nothing commits on the writer connection but the writer's own COMMIT: a commit hook turns
// any other commit into a rollback, so a unit that went on after SQLite ended its transaction
// cannot autocommit its remaining statements. No caller gets ok before its COMMIT returned, and
// with synchronous=FULL COMMIT returns after the WAL is synced. Tests inject the control-statement
// failures through control_fault.h.
//
// write_async() queues a unit the same way without waiting: its caller goes on, and the unit's
// completion is called with its Status once the batch that ran it committed (or failed), on
// the thread that led that batch. A write() caller at the front of the queue leads as before;
// when an asynchronous request is at the front, the writer's own thread (started by the first
// write_async) leads. So a server can hand a request's write to the writer and release its
// thread, and no thread sleeps per request waiting for the commit: each batch wakes at most
// the next leader, and completions run on the leading thread.
//
// Thread-safety: write() and write_async() may be called from any number of threads. A unit
// must not call write() (it would wait for itself); nor may a completion, which may run on the
// writer's own thread (write_async from a completion is fine).
#pragma once

#include <semaphore.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/sqlite/connection.h"
#include "store/sqlite/control_fault.h"
#include "store/sqlite/market_cache.h"
#include "store/store.h"

namespace mc::store::sqlite {

class Writer {
 public:
  // `markets` (shared with the readers) caches committed market rows; may be null.
  // `speculative` false runs every batch with a savepoint per unit (tests of that path).
  Writer(std::unique_ptr<Connection> connection, int32_t batch_units_max, int32_t queue_units_max,
         std::shared_ptr<MarketCache> markets = nullptr, bool speculative = true);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs `unit` group-committed; see the file comment. Returns resource_exhausted/
  // "write_queue_full" when `queue_units_max` requests wait already.
  Status write(int64_t now_ms, const std::function<Status(Transaction&)>& unit);

  // Runs `unit` group-committed without waiting; `done` gets the Status write() would have
  // returned, exactly once: on the thread that led the unit's batch, or before write_async
  // returns when the write is refused at once (a full queue, a broken writer). `done` must
  // not block for long: the next batch waits for it. The writer owns both until then.
  void write_async(int64_t now_ms, std::function<Status(Transaction&)> unit,
                   std::function<void(Status)> done);

  // Returns once every write_async() call made before has called its `done`.
  void wait_for_async_writes();

  // Runs `work` on the writer connection while no batch runs (open-time checks, tests).
  Status exclusive(const std::function<Status(Connection&)>& work);

  StoreStats stats() const;

 private:
  // A queued write. Its caller sleeps on `wake` until the request is done or at the front.
  // The leader posts `wake` after releasing mutex_, so a woken caller does not block on the
  // mutex the leader still holds; a POSIX semaphore (not a condition variable) because the
  // caller may return and destroy it as soon as it wakes, while sem_post may still be running.
  struct Request {
    Request();
    ~Request();
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;
    int64_t now_ms = 0;
    const std::function<Status(Transaction&)>* unit = nullptr;
    bool always_savepoint = false;  // exclusive() work: may change the schema
    // Set for write_async(): the request owns its unit and is deleted after `completion` ran.
    std::function<Status(Transaction&)> owned_unit;
    std::function<void(Status)> completion;
    Status result;  // written before `done` is set
    std::atomic<bool> done{false};
    sem_t wake;
  };

  // Where one batch's time went (see StoreStats).
  struct BatchTiming {
    int64_t unit_nanos = 0;
    int64_t commit_nanos = 0;
    int64_t pages_written = 0;
    bool rerun = false;  // the speculative pass was rolled back and run again with savepoints
  };

  // How a batch's pass ended.
  enum class PassEnd {
    units_done,        // every unit ran; the transaction is open and whole
    needs_savepoints,  // speculative pass: a unit failed after writing; run again safely
    lost,              // the transaction could not be kept whole (see the failure rules)
  };

  static constexpr int kSafeBatchesAfterRerun = 16;

  // Queues `request` and waits for its result (leading a batch when it is at the front).
  Status submit(Request& request);
  // Refuses a new request when the writer is broken or the queue full. Requires: mutex_ held.
  Status admission() const;
  // Runs the batch at the front of the queue as its leader, then hands each request its result
  // and the lead to the next. `lock` is held on entry and released on return. `self` is the
  // calling write()'s own request (not woken: it returns its result), or null.
  void lead_batch(std::unique_lock<std::mutex>& lock, Request* self);
  // Hands the lead to `next` (the new front of the queue): gives the turn to the writer's
  // thread for an asynchronous request, or returns the write() caller to post once mutex_ is
  // released (null otherwise). Requires: mutex_ held.
  Request* pass_lead(Request* next);
  // The writer's own thread: leads while an asynchronous request is at the front.
  void lead_loop();
  // Runs one batch on the connection. Called by the leader without holding mutex_.
  BatchTiming run_batch(Request* const* batch, size_t count);
  // Runs every unit of the batch inside the open transaction, speculatively (no savepoints but
  // for always_savepoint units) or each inside its savepoint. On `lost`, `cause` says why.
  PassEnd run_pass(Request* const* batch, size_t count, bool speculative, Status& cause);
  // Runs one unit without a savepoint; sets `wrote` when it changed a row.
  Status run_unit_speculatively(Request& request, bool& wrote);
  // Runs one unit inside its savepoint. Returns ok when the unit's writes are either kept
  // (RELEASE) or undone (ROLLBACK TO) and the transaction is still whole; else the cause of
  // losing the batch.
  Status run_unit(Request& request);
  // Runs the unit's callback on the connection, catching what it throws.
  void call_unit(Request& request);
  // Fails every unit of the batch with `cause` and rolls the transaction back.
  void lose_batch(Request* const* batch, size_t count, const Status& cause);
  // Runs one transaction-control statement (or fails it as the test hook says).
  Status control(ControlStatement statement);
  // Makes the writer refuse every later write with `cause`.
  void break_writer(const Status& cause);
  // The connection's commit hook: lets only the writer's own COMMIT commit.
  static int allow_commit(void* writer);
  // Adds a finished batch to stats_. Requires: mutex_ held.
  void record(Request* const* batch, size_t count, const BatchTiming& timing);

  std::unique_ptr<Connection> connection_;
  const std::shared_ptr<MarketCache> markets_;
  const size_t batch_units_max_;
  const size_t queue_units_max_;
  mutable std::mutex mutex_;
  std::deque<Request*> queue_;  // guarded by mutex_
  StoreStats stats_;            // guarded by mutex_
  Status broken_;               // guarded by mutex_; sticky after a failed COMMIT or ROLLBACK
  bool committing_ = false;     // the leader runs COMMIT (leader thread only)
  const bool speculative_;
  int safe_batches_left_ = 0;  // leader thread only; see kSafeBatchesAfterRerun
  // The writer's own thread, started by the first write_async(); it leads when thread_turn_.
  std::condition_variable thread_wake_;
  std::condition_variable async_done_;  // signalled when async_pending_ drops to 0
  int64_t async_pending_ = 0;           // guarded by mutex_: write_async calls not yet done
  bool thread_turn_ = false;            // guarded by mutex_
  bool stopping_ = false;               // guarded by mutex_
  std::thread thread_;                  // last: joined before the members above go
};

}  // namespace mc::store::sqlite
