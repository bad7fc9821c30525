// Time: timers and timed holds. The due lists are read from a reader snapshot (so a busy
// writer does not stop the pass before it starts); each due timer then fires in its own write
// unit (as Role::system), so one refused firing rolls back alone. A timer whose job left its
// state (stale) is deleted. Due holds (settlement periods) are posted to their release
// account or voided, one unit each.
//
// Nothing due is ever dropped: a failed attempt is reported (EngineOptions::on_due_failure)
// and recorded — a transient failure (code_is_transient: a full write queue, an unavailable
// store, a lost race) makes the item due again after a backoff that doubles per attempt up to
// a cap; a permanent one parks it as stuck, listed by stuck_due_work() until an operator
// retries it. One failing item never blocks the items after it.
//
// advance_ms walks a ManualClock from due time to due time so work happens in time order.
#include <algorithm>
#include <string>

#include "engine/engine_impl.h"
#include "engine/firing.h"

namespace mc {
namespace {

constexpr int32_t kBatchMax = 128;
constexpr int64_t kStepsMax = 10'000'000;

struct DueWork {
  std::vector<store::Timer> timers;
  std::vector<store::DueHold> holds;
};

Status resolve_hold(store::Transaction& tx, HoldId hold_id) {
  MC_TRY_ASSIGN(Hold current, tx.hold(hold_id));
  if (current.state != HoldState::held) return ok_status();
  if (current.release_to_account_id && current.party_id) {
    const AccountRef release{current.market_id, AccountKind::available, *current.party_id};
    const AccountRef held{current.market_id, AccountKind::hold, current.id};
    MC_TRY_ASSIGN(int64_t held_minor, tx.balance(held));
    MC_TRY(tx.post_hold(current.id, {Posting{release, held_minor, "settlement_release"}}));
  } else {
    MC_TRY(tx.void_hold(current.id, "hold_expired"));
  }
  if (current.party_id) {
    MC_TRY(engine::append_balance_event(tx, current.market_id, *current.party_id).status());
  }
  return ok_status();
}

int64_t backoff_ms(const EngineOptions& options, int32_t attempts) {
  const int64_t cap_ms = std::max<int64_t>(options.due_retry_backoff_max_ms, 1);
  int64_t delay_ms = std::clamp<int64_t>(options.due_retry_backoff_ms, 1, cap_ms);
  for (int32_t i = 1; i < attempts && delay_ms < cap_ms; ++i) delay_ms *= 2;
  return std::min(delay_ms, cap_ms);
}

StuckDueWork::Kind public_kind(store::DueKind kind) {
  return kind == store::DueKind::timer ? StuckDueWork::Kind::timer : StuckDueWork::Kind::hold;
}

}  // namespace

Status Engine::Impl::record_due_failure(store::DueKind kind, int64_t id, int32_t attempts,
                                        const Status& failure, const store::Timer* timer) {
  DueWorkFailure report;
  report.kind = public_kind(kind);
  report.id = id;
  if (timer != nullptr) {
    report.job_id = timer->job_id;
    report.transition = timer->transition;
  }
  report.status = failure;
  report.attempts = attempts + 1;
  report.parked = !code_is_transient(failure.code());
  std::optional<int64_t> next_attempt_at_ms;
  if (!report.parked) {
    next_attempt_at_ms = now_ms() + backoff_ms(options, report.attempts);
    report.next_attempt_at_ms = *next_attempt_at_ms;
  }
  if (options.on_due_failure) options.on_due_failure(report);
  const std::string error = failure.to_string();
  Status recorded = store->write(now_ms(), [&](store::Transaction& tx) -> Status {
    return tx.record_due_failure(kind, id, next_attempt_at_ms, error);
  });
  // Gone meanwhile (the job's timers were cancelled, the hold resolved): nothing is left due.
  if (recorded.detail() == "due_work_not_found") return ok_status();
  return recorded;
}

Result<int64_t> Engine::Impl::run_due_pass() {
  const int64_t pass_ms = now_ms();
  MC_TRY_ASSIGN(DueWork due, read<DueWork>([&](store::Reader& reader) -> Result<DueWork> {
                  DueWork work;
                  MC_TRY_ASSIGN(work.timers, reader.timers_due_at(pass_ms, kBatchMax));
                  MC_TRY_ASSIGN(work.holds, reader.holds_due_at(pass_ms, kBatchMax));
                  return work;
                }));
  int64_t processed = 0;
  for (const store::Timer& timer : due.timers) {
    Status fired = store->write(now_ms(), [&](store::Transaction& tx) -> Status {
      Result<Job> job = tx.job(timer.job_id);
      const bool job_gone = !job.ok() && job.status().code() == Code::not_found;
      if (!job.ok() && !job_gone) return job.status();
      MC_TRY(tx.delete_timer(timer.id));
      if (job_gone || job->state != timer.state) return ok_status();  // stale: nothing to do
      FireTransition request;
      request.job_id = timer.job_id;
      request.transition = timer.transition;
      return fire_loaded_in(tx, *job, request).status();
    });
    if (!fired.ok()) {
      MC_TRY(record_due_failure(store::DueKind::timer, timer.id, timer.attempts, fired, &timer));
    }
    ++processed;
  }
  for (const store::DueHold& hold : due.holds) {
    Status resolved =
        store->write(now_ms(), [&](store::Transaction& tx) { return resolve_hold(tx, hold.id); });
    if (!resolved.ok()) {
      MC_TRY(record_due_failure(store::DueKind::hold, hold.id, hold.attempts, resolved, nullptr));
    }
    ++processed;
  }
  return processed;
}

Status Engine::Impl::purge_idempotency() {
  const int64_t before_ms = now_ms() - options.idempotency_retention_ms;
  return store->write(now_ms(), [&](store::Transaction& tx) -> Status {
    return tx.purge_idempotency(before_ms).status();
  });
}

Result<int64_t> Engine::run_due() {
  std::lock_guard lock(impl_->due_mutex);
  int64_t processed = 0;
  for (int64_t step = 0; step < kStepsMax; ++step) {
    MC_TRY_ASSIGN(int64_t count, impl_->run_due_pass());
    if (count == 0) break;
    processed += count;
  }
  MC_TRY(impl_->purge_idempotency());
  return processed;
}

Result<int64_t> Engine::advance_ms(int64_t delta_ms) {
  auto manual = std::dynamic_pointer_cast<ManualClock>(impl_->clock);
  if (!manual) return failed_precondition("not_manual_clock", "the engine's clock is not manual");
  if (delta_ms < 0) {
    return invalid_argument("negative_delta", "time only moves forward", "delta_ms");
  }
  std::lock_guard lock(impl_->due_mutex);
  const int64_t target_ms = manual->now_ms() + delta_ms;
  int64_t processed = 0;
  for (int64_t step = 0; step < kStepsMax; ++step) {
    MC_TRY_ASSIGN(int64_t count, impl_->run_due_pass());
    processed += count;
    if (count > 0) continue;
    MC_TRY_ASSIGN(std::optional<int64_t> next_ms, next_due_at_ms());
    if (!next_ms || *next_ms > target_ms) break;
    if (*next_ms <= manual->now_ms()) {
      return internal_error("due_work_stuck",
                            "work due at " + std::to_string(*next_ms) + " was not processed");
    }
    manual->set_ms(*next_ms);
  }
  manual->set_ms(target_ms);
  for (int64_t step = 0; step < kStepsMax; ++step) {
    MC_TRY_ASSIGN(int64_t count, impl_->run_due_pass());
    if (count == 0) break;
    processed += count;
  }
  MC_TRY(impl_->purge_idempotency());
  return processed;
}

Result<std::optional<int64_t>> Engine::next_due_at_ms() {
  return impl_->read<std::optional<int64_t>>(
      [](store::Reader& reader) { return reader.next_due_at(); });
}

Result<std::vector<StuckDueWork>> Engine::stuck_due_work(int32_t limit) {
  MC_TRY_ASSIGN(std::vector<store::StuckWork> stored,
                impl_->read<std::vector<store::StuckWork>>(
                    [&](store::Reader& reader) { return reader.stuck_work(limit); }));
  std::vector<StuckDueWork> out;
  out.reserve(stored.size());
  for (store::StuckWork& work : stored) {
    out.push_back({.kind = public_kind(work.kind),
                   .id = work.id,
                   .job_id = work.job_id,
                   .transition = std::move(work.transition),
                   .due_at_ms = work.due_at_ms,
                   .attempts = work.attempts,
                   .stuck_at_ms = work.stuck_at_ms,
                   .last_error = std::move(work.last_error)});
  }
  return out;
}

Result<int64_t> Engine::count_stuck_due_work() {
  return impl_->read<int64_t>([](store::Reader& reader) { return reader.count_stuck_work(); });
}

Status Engine::retry_stuck_due_work(StuckDueWork::Kind kind, int64_t id) {
  const store::DueKind stored =
      kind == StuckDueWork::Kind::timer ? store::DueKind::timer : store::DueKind::hold;
  return impl_->store->write(
      impl_->now_ms(), [&](store::Transaction& tx) { return tx.retry_stuck_work(stored, id); });
}

}  // namespace mc
