// mc::Scheduler — sleep until due, run_due, report, repeat (see marketcore/scheduler.h).
#include "marketcore/scheduler.h"

#include <algorithm>
#include <chrono>

namespace mc {
namespace {

// Shortest sleep after a run, so work that is due but was not processed cannot spin the thread.
constexpr int64_t kSleepMinMs = 10;

}  // namespace

Scheduler::Scheduler(Engine& engine, SchedulerOptions options)
    : engine_(engine), options_(std::move(options)) {
  options_.poll_interval_ms = std::max<int64_t>(options_.poll_interval_ms, kSleepMinMs);
}

Scheduler::~Scheduler() {
  stop();
}

std::unique_ptr<Scheduler> Scheduler::launch(Engine& engine, SchedulerOptions options) {
  auto scheduler = std::make_unique<Scheduler>(engine, std::move(options));
  scheduler->start().ignore();  // a new scheduler is never running yet
  return scheduler;
}

Status Scheduler::start() {
  if (thread_.joinable()) return failed_precondition("scheduler_running", "already started");
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
    woken_ = false;
  }
  if (options_.wake_on_advance) {
    listener_handle_ = options_.wake_on_advance->add_listener([this] { wake(); });
  }
  thread_ = std::thread([this] { loop(); });
  return ok_status();
}

void Scheduler::stop() {
  if (options_.wake_on_advance && listener_handle_ != 0) {
    options_.wake_on_advance->remove_listener(listener_handle_);
    listener_handle_ = 0;
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

bool Scheduler::sleep(int64_t sleep_ms) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(sleep_ms), [this] { return stopping_ || woken_; });
  woken_ = false;
  return !stopping_;
}

void Scheduler::loop() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      woken_ = false;
    }
    int64_t sleep_ms = options_.poll_interval_ms;
    Result<std::optional<int64_t>> next = engine_.next_due_at_ms();
    const bool due =
        next.ok() && next.value().has_value() && *next.value() <= engine_.clock().now_ms();
    if (next.ok() && next.value().has_value() && !due) {
      sleep_ms = std::clamp<int64_t>(*next.value() - engine_.clock().now_ms(), kSleepMinMs,
                                     options_.poll_interval_ms);
    }
    if (due) {
      Result<int64_t> processed = engine_.run_due();
      SchedulerRun run;
      if (processed.ok()) {
        run.processed = processed.value();
      } else {
        run.status = processed.status();
      }
      if (options_.on_run && (run.processed > 0 || !run.status.ok())) {
        Result<int64_t> stuck = engine_.count_stuck_due_work();
        run.stuck = stuck.ok() ? stuck.value() : -1;
        options_.on_run(run);
      }
      // Done something: look again at once; failed or found nothing: pause.
      if (run.status.ok() && run.processed > 0) continue;
      if (run.status.ok()) sleep_ms = kSleepMinMs;
    }
    if (!sleep(sleep_ms)) return;
  }
}

}  // namespace mc
