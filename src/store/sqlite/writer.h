// Writer: the single writer connection with group commit (the model is LevelDB's
// DBImpl::Write).
//
// Each write() call queues a request and waits. The request at the front of the queue becomes
// the leader: it takes up to `batch_units_max` queued requests (its own first), and on the
// writer connection runs
//     BEGIN IMMEDIATE
//       SAVEPOINT unit; <unit 1>; RELEASE unit      (or ROLLBACK TO + RELEASE on failure)
//       SAVEPOINT unit; <unit 2>; ...
//     COMMIT
// then hands every request of the batch its result and wakes the next leader. While a leader
// commits (and waits for the fsync), later callers queue up and share the next commit, so
// throughput is not bound by one fsync per request. Units run on the leader's thread; their
// callers are blocked meanwhile, so whatever a unit captured by reference stays valid.
//
// Failure rules: a unit's failure rolls back its savepoint alone. If a unit's failure ended
// the whole SQLite transaction (an I/O error or full disk can), the units already run in this
// batch are failed with unavailable and the rest run in a new transaction. A failed COMMIT
// fails every unit that had succeeded with unavailable (failed ones keep their own status);
// if even ROLLBACK fails the writer is broken and refuses further writes (sticky, as LevelDB's
// failed sync). No caller gets success before its COMMIT returned, and with synchronous=FULL
// COMMIT returns after the WAL is synced.
//
// Thread-safety: write() may be called from any number of threads. A unit must not call
// write() (it would wait for itself).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "store/sqlite/connection.h"
#include "store/store.h"

namespace mc::store::sqlite {

class Writer {
 public:
  Writer(std::unique_ptr<Connection> connection, int32_t batch_units_max, int32_t queue_units_max);

  // Runs `unit` group-committed; see the file comment. Returns resource_exhausted/
  // "write_queue_full" when `queue_units_max` requests wait already.
  Status write(int64_t now_ms, const std::function<Status(Transaction&)>& unit);

  // Runs `work` on the writer connection while no batch runs (open-time checks, tests).
  Status exclusive(const std::function<Status(Connection&)>& work);

  StoreStats stats() const;

 private:
  struct Request {
    int64_t now_ms = 0;
    const std::function<Status(Transaction&)>* unit = nullptr;
    Status result;
    bool done = false;
    std::condition_variable wake;
  };

  // Runs one batch on the connection. Called by the leader without holding mutex_.
  void run_batch(Request* const* batch, size_t count);
  // Runs one unit inside its savepoint; returns false when the transaction was lost.
  bool run_unit(Request& request);
  Status begin();
  // Adds a finished batch to stats_. Requires: mutex_ held.
  void record(Request* const* batch, size_t count);

  std::unique_ptr<Connection> connection_;
  const size_t batch_units_max_;
  const size_t queue_units_max_;
  mutable std::mutex mutex_;
  std::deque<Request*> queue_;  // guarded by mutex_
  StoreStats stats_;            // guarded by mutex_
  Status broken_;               // guarded by mutex_; sticky failure after a failed ROLLBACK
};

}  // namespace mc::store::sqlite
