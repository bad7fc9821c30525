// The group-commit writer (see writer.h for the protocol).
#include "store/sqlite/writer.h"

#include <algorithm>
#include <vector>

#include "common/assert.h"
#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {
namespace {

Status lost(const Status& cause) {
  return Status(Code::unavailable, "store_unavailable",
                "the batch's transaction was lost: " + cause.message());
}

}  // namespace

Writer::Writer(std::unique_ptr<Connection> connection, int32_t batch_units_max,
               int32_t queue_units_max)
    : connection_(std::move(connection)),
      batch_units_max_(static_cast<size_t>(std::max(batch_units_max, 1))),
      queue_units_max_(static_cast<size_t>(std::max(queue_units_max, 1))) {}

Status Writer::write(int64_t now_ms, const std::function<Status(Transaction&)>& unit) {
  Request request;
  request.now_ms = now_ms;
  request.unit = &unit;
  std::unique_lock<std::mutex> lock(mutex_);
  if (!broken_.ok()) return broken_;
  if (queue_.size() >= queue_units_max_) {
    return Status(Code::resource_exhausted, "write_queue_full",
                  "the store's write queue is full; retry later");
  }
  queue_.push_back(&request);
  while (!request.done && queue_.front() != &request) request.wake.wait(lock);
  if (request.done) return std::move(request.result);

  // Leader: take a batch from the front (this request first). Requests stay queued until
  // they are done, so no other thread leads meanwhile.
  std::vector<Request*> batch;
  const size_t count = std::min(queue_.size(), batch_units_max_);
  batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  if (!broken_.ok()) {
    for (Request* member : batch) member->result = broken_;
  } else {
    lock.unlock();
    run_batch(batch.data(), batch.size());
    lock.lock();
  }
  record(batch.data(), count);
  for (size_t i = 0; i < count; ++i) {
    MC_ASSERT(queue_.front() == batch[i]);
    queue_.pop_front();
    batch[i]->done = true;
    if (batch[i] != &request) batch[i]->wake.notify_one();
  }
  if (!queue_.empty()) queue_.front()->wake.notify_one();
  return std::move(request.result);
}

StoreStats Writer::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void Writer::record(Request* const* batch, size_t count) {
  int64_t committed = 0;
  for (size_t i = 0; i < count; ++i) committed += batch[i]->result.ok() ? 1 : 0;
  if (committed > 0) ++stats_.batches_committed;
  stats_.units_committed += committed;
  stats_.units_failed += static_cast<int64_t>(count) - committed;
  stats_.batch_units_largest = std::max(stats_.batch_units_largest, static_cast<int64_t>(count));
}

Status Writer::exclusive(const std::function<Status(Connection&)>& work) {
  // Runs as a unit would, so it is serialized with batches by the same queue.
  Status inner;
  Status outer = write(0, [&](Transaction&) -> Status {
    inner = work(*connection_);
    return inner;
  });
  return inner.ok() ? outer : inner;
}

Status Writer::begin() {
  Status status = connection_->exec("BEGIN IMMEDIATE");
  if (!status.ok()) return lost(status);
  return ok_status();
}

bool Writer::run_unit(Request& request) {
  Status status = connection_->exec("SAVEPOINT unit");
  if (!status.ok()) {
    request.result = lost(status);
    return connection_->in_transaction();
  }
  try {
    SqliteTransaction transaction(*connection_, request.now_ms);
    request.result = (*request.unit)(transaction);
  } catch (const std::exception& error) {
    request.result = internal_error("unit_threw", error.what());
  } catch (...) {
    request.result = internal_error("unit_threw", "a write unit threw");
  }
  if (!connection_->in_transaction()) return false;
  if (request.result.ok()) {
    status = connection_->exec("RELEASE unit");
  } else {
    status = connection_->exec("ROLLBACK TO unit");
    if (status.ok()) status = connection_->exec("RELEASE unit");
  }
  if (!status.ok()) {
    if (request.result.ok()) request.result = lost(status);
    return connection_->in_transaction();
  }
  return true;
}

void Writer::run_batch(Request* const* batch, size_t count) {
  size_t first = 0;  // first unit of the current transaction
  Status status = begin();
  for (size_t i = 0; i < count && status.ok(); ++i) {
    if (run_unit(*batch[i])) continue;
    // The SQLite transaction is gone: what earlier units of it did is lost.
    Status cause = batch[i]->result;
    for (size_t j = first; j < i; ++j) {
      if (batch[j]->result.ok()) batch[j]->result = lost(cause);
    }
    if (batch[i]->result.ok()) batch[i]->result = lost(cause);
    first = i + 1;
    if (i + 1 < count) status = begin();
  }
  if (!status.ok()) {
    for (size_t j = first; j < count; ++j) batch[j]->result = status;
    return;
  }
  if (first >= count || !connection_->in_transaction()) return;
  Status committed = connection_->exec("COMMIT");
  if (committed.ok()) return;
  for (size_t j = first; j < count; ++j) {
    if (batch[j]->result.ok()) batch[j]->result = lost(committed);
  }
  if (connection_->in_transaction()) {
    Status rolled_back = connection_->exec("ROLLBACK");
    if (!rolled_back.ok()) {
      std::lock_guard<std::mutex> lock(mutex_);
      broken_ = Status(Code::unavailable, "store_broken",
                       "the writer could not roll back a failed commit: " + rolled_back.message());
    }
  }
}

}  // namespace mc::store::sqlite
