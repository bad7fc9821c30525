// Time: timers and timed holds. Each due timer fires in its own write unit (as Role::system),
// so one refused firing rolls back alone; a refused or stale timer (its job left the timer's
// state) is then deleted in a unit of its own so it is never retried forever. Due holds
// (settlement periods) are posted to their release account or voided, one unit each.
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
  std::vector<Hold> holds;
};

Status fire_timer(store::Transaction& tx, const engine::Interpreter& interpreter,
                  const store::Timer& timer) {
  MC_TRY(tx.delete_timer(timer.id));
  MC_TRY_ASSIGN(Job job, tx.job(timer.job_id));
  if (job.state != timer.state) return ok_status();  // stale: the job moved on
  FireTransition request;
  request.job_id = timer.job_id;
  request.transition = timer.transition;
  return interpreter.fire_loaded(tx, job, request).status();
}

Status resolve_hold(store::Transaction& tx, const Hold& hold) {
  MC_TRY_ASSIGN(Hold current, tx.hold(hold.id));
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
    MC_TRY(engine::append_balance_event(tx, current.market_id, *current.party_id));
  }
  return ok_status();
}

}  // namespace

Result<int64_t> Engine::Impl::run_due_pass() {
  MC_TRY_ASSIGN(DueWork due, write<DueWork>([](store::Transaction& tx) -> Result<DueWork> {
                  DueWork work;
                  MC_TRY_ASSIGN(work.timers, tx.due_timers(kBatchMax));
                  MC_TRY_ASSIGN(work.holds, tx.due_holds(kBatchMax));
                  return work;
                }));
  int64_t processed = 0;
  for (const store::Timer& timer : due.timers) {
    Status fired = store->write(
        now_ms(), [&](store::Transaction& tx) { return fire_timer(tx, interpreter, timer); });
    if (!fired.ok()) {
      if (fired.code() == Code::unavailable) return fired;
      MC_TRY(store->write(
          now_ms(), [&](store::Transaction& tx) -> Status { return tx.delete_timer(timer.id); }));
    }
    ++processed;
  }
  for (const Hold& hold : due.holds) {
    MC_TRY(store->write(now_ms(), [&](store::Transaction& tx) { return resolve_hold(tx, hold); }));
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
    MC_TRY_ASSIGN(std::optional<int64_t> next_ms,
                  impl_->write<std::optional<int64_t>>(
                      [](store::Transaction& tx) { return tx.next_due_at(); }));
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
  return impl_->write<std::optional<int64_t>>(
      [](store::Transaction& tx) { return tx.next_due_at(); });
}

}  // namespace mc
