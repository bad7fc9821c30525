// The group-commit writer (see writer.h for the protocol).
#include "store/sqlite/writer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "common/assert.h"
#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {
namespace {

Status batch_lost(const Status& cause) {
  return Status(
      Code::unavailable, "store_unavailable",
      "the batch's transaction was rolled back, nothing of it was written: " + cause.message());
}

Status commit_failed(const Status& cause) {
  return Status(Code::unavailable, "store_unavailable",
                "the commit failed; whether it reached the disk is known after the store is "
                "reopened: " +
                    cause.message());
}

}  // namespace

Writer::Writer(std::unique_ptr<Connection> connection, int32_t batch_units_max,
               int32_t queue_units_max)
    : connection_(std::move(connection)),
      batch_units_max_(static_cast<size_t>(std::max(batch_units_max, 1))),
      queue_units_max_(static_cast<size_t>(std::max(queue_units_max, 1))) {
  sqlite3_commit_hook(connection_->handle(), &Writer::allow_commit, this);
}

Writer::~Writer() {
  sqlite3_commit_hook(connection_->handle(), nullptr, nullptr);
}

int Writer::allow_commit(void* writer) {
  return static_cast<Writer*>(writer)->committing_ ? 0 : 1;
}

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

Status Writer::control(ControlStatement statement) {
  const std::string_view sql = control_statement_sql(statement);
  const int injected = control_fault(statement);
  if (injected != SQLITE_OK) {
    return sqlite_status(nullptr, injected, std::string(sql) + " (injected fault)");
  }
  return connection_->exec(sql);
}

void Writer::break_writer(const Status& cause) {
  std::lock_guard<std::mutex> lock(mutex_);
  broken_ = Status(Code::unavailable, "store_broken",
                   "the writer refuses writes until the store is reopened: " + cause.message());
}

Status Writer::run_unit(Request& request) {
  MC_TRY(control(ControlStatement::savepoint));
  try {
    SqliteTransaction transaction(*connection_, request.now_ms);
    request.result = (*request.unit)(transaction);
  } catch (const std::exception& error) {
    request.result = internal_error("unit_threw", error.what());
  } catch (...) {
    request.result = internal_error("unit_threw", "a write unit threw");
  }
  if (!connection_->in_transaction()) {
    // SQLite rolled the whole transaction back (I/O error, full disk) inside the unit.
    if (!request.result.ok()) return request.result;
    return internal_error("transaction_ended", "the transaction ended inside a write unit");
  }
  if (request.result.ok()) return control(ControlStatement::release);
  // The unit's writes stay in the transaction until ROLLBACK TO succeeds.
  MC_TRY(control(ControlStatement::rollback_to));
  return control(ControlStatement::release);
}

void Writer::lose_batch(Request* const* batch, size_t count, const Status& cause) {
  for (size_t i = 0; i < count; ++i) batch[i]->result = batch_lost(cause);
  if (!connection_->in_transaction()) return;
  Status rolled_back = control(ControlStatement::rollback);
  if (!rolled_back.ok()) break_writer(rolled_back);
}

void Writer::run_batch(Request* const* batch, size_t count) {
  Status status = control(ControlStatement::begin);
  for (size_t i = 0; i < count && status.ok(); ++i) status = run_unit(*batch[i]);
  if (!status.ok()) {
    lose_batch(batch, count, status);
    return;
  }
  committing_ = true;
  Status committed = control(ControlStatement::commit);
  committing_ = false;
  if (committed.ok()) return;
  for (size_t i = 0; i < count; ++i) batch[i]->result = commit_failed(committed);
  if (connection_->in_transaction()) control(ControlStatement::rollback).ignore();
  break_writer(committed);
}

}  // namespace mc::store::sqlite
