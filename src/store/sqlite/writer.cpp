// The group-commit writer (see writer.h for the protocol).
#include "store/sqlite/writer.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "common/assert.h"
#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {
namespace {

int64_t nanos_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start)
      .count();
}

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
               int32_t queue_units_max, std::shared_ptr<MarketCache> markets, bool speculative)
    : connection_(std::move(connection)),
      markets_(std::move(markets)),
      batch_units_max_(static_cast<size_t>(std::max(batch_units_max, 1))),
      queue_units_max_(static_cast<size_t>(std::max(queue_units_max, 1))),
      speculative_(speculative) {
  sqlite3_commit_hook(connection_->handle(), &Writer::allow_commit, this);
}

Writer::Request::Request() {
  sem_init(&wake, 0, 0);
}

Writer::Request::~Request() {
  sem_destroy(&wake);
}

Writer::~Writer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  thread_wake_.notify_one();
  if (thread_.joinable()) thread_.join();  // after it ran every queued asynchronous request
  sqlite3_commit_hook(connection_->handle(), nullptr, nullptr);
}

int Writer::allow_commit(void* writer) {
  return static_cast<Writer*>(writer)->committing_ ? 0 : 1;
}

Status Writer::write(int64_t now_ms, const std::function<Status(Transaction&)>& unit) {
  Request request;
  request.now_ms = now_ms;
  request.unit = &unit;
  return submit(request);
}

Status Writer::admission() const {
  if (!broken_.ok()) return broken_;
  if (queue_.size() >= queue_units_max_) {
    return Status(Code::resource_exhausted, "write_queue_full",
                  "the store's write queue is full; retry later");
  }
  return ok_status();
}

void Writer::write_async(int64_t now_ms, std::function<Status(Transaction&)> unit,
                         std::function<void(Status)> done) {
  std::unique_lock<std::mutex> lock(mutex_);
  Status refused = admission();
  if (!refused.ok()) {
    lock.unlock();
    done(std::move(refused));
    return;
  }
  ++async_pending_;
  auto* request = new Request;
  request->now_ms = now_ms;
  request->owned_unit = std::move(unit);
  request->unit = &request->owned_unit;
  request->completion = std::move(done);
  queue_.push_back(request);
  if (!thread_.joinable()) thread_ = std::thread([this] { lead_loop(); });
  // At the front of an otherwise empty queue nobody leads yet: the writer's thread does.
  if (queue_.size() == 1) pass_lead(request);
}

Writer::Request* Writer::pass_lead(Request* next) {
  if (!next->completion) return next;
  thread_turn_ = true;
  thread_wake_.notify_one();
  return nullptr;
}

void Writer::lead_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    thread_wake_.wait(lock, [this] { return thread_turn_ || stopping_; });
    if (!thread_turn_) return;  // stopping, and no asynchronous request waits for a leader
    thread_turn_ = false;
    lead_batch(lock, nullptr);
    lock.lock();
  }
}

Status Writer::submit(Request& request) {
  std::unique_lock<std::mutex> lock(mutex_);
  MC_TRY(admission());
  queue_.push_back(&request);
  while (queue_.front() != &request) {
    lock.unlock();
    while (sem_wait(&request.wake) != 0) {
      // Only EINTR (a signal) ends the wait early; wait again.
    }
    if (request.done.load(std::memory_order_acquire)) return std::move(request.result);
    lock.lock();
  }
  lead_batch(lock, &request);
  return std::move(request.result);
}

void Writer::lead_batch(std::unique_lock<std::mutex>& lock, Request* self) {
  // Take a batch from the front. Requests stay queued until they are done, so no other thread
  // leads meanwhile.
  std::vector<Request*> batch;
  const size_t count = std::min(queue_.size(), batch_units_max_);
  batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  BatchTiming timing;
  if (!broken_.ok()) {
    for (Request* member : batch) member->result = broken_;
  } else {
    lock.unlock();
    timing = run_batch(batch.data(), batch.size());
    if (markets_ != nullptr) markets_->end_batch();
    lock.lock();
  }
  record(batch.data(), count, timing);
  for (size_t i = 0; i < count; ++i) {
    MC_ASSERT(queue_.front() == batch[i]);
    queue_.pop_front();
    batch[i]->done.store(true, std::memory_order_release);
  }
  Request* next_caller = queue_.empty() ? nullptr : pass_lead(queue_.front());
  lock.unlock();
  // Woken after the mutex is released, so none of them blocks on it; the next leader first,
  // since its commit is what the queue waits for. A woken caller may return (and destroy its
  // Request) at once: nothing of a posted request is touched after its sem_post.
  if (next_caller != nullptr) sem_post(&next_caller->wake);
  int64_t completed = 0;
  for (Request* member : batch) {
    if (member->completion) {
      member->completion(std::move(member->result));
      delete member;
      ++completed;
    } else if (member != self) {
      sem_post(&member->wake);
    }
  }
  if (completed == 0) return;
  lock.lock();
  async_pending_ -= completed;
  if (async_pending_ == 0) async_done_.notify_all();
  lock.unlock();
}

void Writer::wait_for_async_writes() {
  std::unique_lock<std::mutex> lock(mutex_);
  async_done_.wait(lock, [this] { return async_pending_ == 0; });
}

StoreStats Writer::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void Writer::record(Request* const* batch, size_t count, const BatchTiming& timing) {
  stats_.unit_nanos += timing.unit_nanos;
  stats_.commit_nanos += timing.commit_nanos;
  stats_.pages_written += timing.pages_written;
  stats_.batches_rerun += timing.rerun ? 1 : 0;
  int64_t committed = 0;
  for (size_t i = 0; i < count; ++i) committed += batch[i]->result.ok() ? 1 : 0;
  if (committed > 0) ++stats_.batches_committed;
  stats_.units_committed += committed;
  stats_.units_failed += static_cast<int64_t>(count) - committed;
  stats_.batch_units_largest = std::max(stats_.batch_units_largest, static_cast<int64_t>(count));
}

Status Writer::exclusive(const std::function<Status(Connection&)>& work) {
  // Runs as a unit would, so it is serialized with batches by the same queue; inside its own
  // savepoint always, because schema changes do not show in the change count.
  Status inner;
  const std::function<Status(Transaction&)> unit = [&](Transaction&) -> Status {
    inner = work(*connection_);
    return inner;
  };
  Request request;
  request.unit = &unit;
  request.always_savepoint = true;
  Status outer = submit(request);
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

void Writer::call_unit(Request& request) {
  try {
    SqliteTransaction transaction(*connection_, request.now_ms, markets_.get());
    request.result = (*request.unit)(transaction);
  } catch (const std::exception& error) {
    request.result = internal_error("unit_threw", error.what());
  } catch (...) {
    request.result = internal_error("unit_threw", "a write unit threw");
  }
}

Status Writer::run_unit_speculatively(Request& request, bool& wrote) {
  sqlite3* db = connection_->handle();
  const int64_t changes_before = sqlite3_total_changes64(db);
  call_unit(request);
  wrote = sqlite3_total_changes64(db) != changes_before;
  if (connection_->in_transaction()) return ok_status();
  // SQLite rolled the whole transaction back (I/O error, full disk) inside the unit.
  if (!request.result.ok()) return request.result;
  return internal_error("transaction_ended", "the transaction ended inside a write unit");
}

Status Writer::run_unit(Request& request) {
  MC_TRY(control(ControlStatement::savepoint));
  call_unit(request);
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

Writer::PassEnd Writer::run_pass(Request* const* batch, size_t count, bool speculative,
                                 Status& cause) {
  for (size_t i = 0; i < count; ++i) {
    Request& request = *batch[i];
    if (!speculative || request.always_savepoint) {
      cause = run_unit(request);
      if (!cause.ok()) return PassEnd::lost;
      continue;
    }
    bool wrote = false;
    cause = run_unit_speculatively(request, wrote);
    if (!cause.ok()) return PassEnd::lost;
    if (!request.result.ok() && wrote) return PassEnd::needs_savepoints;
  }
  return PassEnd::units_done;
}

void Writer::lose_batch(Request* const* batch, size_t count, const Status& cause) {
  for (size_t i = 0; i < count; ++i) batch[i]->result = batch_lost(cause);
  if (!connection_->in_transaction()) return;
  Status rolled_back = control(ControlStatement::rollback);
  if (!rolled_back.ok()) break_writer(rolled_back);
}

Writer::BatchTiming Writer::run_batch(Request* const* batch, size_t count) {
  BatchTiming timing;
  auto start = std::chrono::steady_clock::now();
  Status status = control(ControlStatement::begin);
  timing.commit_nanos += nanos_since(start);
  if (!status.ok()) {
    lose_batch(batch, count, status);
    return timing;
  }
  bool speculative = speculative_ && safe_batches_left_ == 0;
  if (safe_batches_left_ > 0) --safe_batches_left_;
  start = std::chrono::steady_clock::now();
  PassEnd end = run_pass(batch, count, speculative, status);
  if (end == PassEnd::needs_savepoints) {
    // Take the speculative pass out whole and run the batch again, each unit in its savepoint.
    timing.rerun = true;
    safe_batches_left_ = kSafeBatchesAfterRerun;
    status = control(ControlStatement::rollback);
    if (!status.ok()) {
      end = PassEnd::lost;
    } else {
      if (markets_ != nullptr) markets_->end_batch();
      status = control(ControlStatement::begin);
      end = status.ok() ? run_pass(batch, count, false, status) : PassEnd::lost;
    }
  }
  timing.unit_nanos += nanos_since(start);
  if (end != PassEnd::units_done) {
    lose_batch(batch, count, status);
    return timing;
  }
  start = std::chrono::steady_clock::now();
  committing_ = true;
  Status committed = control(ControlStatement::commit);
  committing_ = false;
  timing.commit_nanos += nanos_since(start);
  int pages = 0;
  int highwater = 0;
  sqlite3_db_status(connection_->handle(), SQLITE_DBSTATUS_CACHE_WRITE, &pages, &highwater, 1);
  timing.pages_written = pages;
  if (committed.ok()) return timing;
  for (size_t i = 0; i < count; ++i) batch[i]->result = commit_failed(committed);
  if (connection_->in_transaction()) control(ControlStatement::rollback).ignore();
  break_writer(committed);
  return timing;
}

}  // namespace mc::store::sqlite
