// server/scheduler.cpp — sleep until due, run_due, repeat.
#include "scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace mc::server {

Scheduler::Scheduler(ServerContext& context, int64_t poll_interval_ms)
    : context_(context), poll_interval_ms_(poll_interval_ms) {
  context_.metrics.declare("marketcore_scheduler_runs_total", "counter",
                           "Timers and timed holds processed by the scheduler.");
  context_.metrics.declare("marketcore_scheduler_errors_total", "counter",
                           "Failed Engine::run_due calls.");
}

Scheduler::~Scheduler() {
  stop();
}

Status Scheduler::start() {
  thread_ = std::thread([this] { loop(); });
  return ok_status();
}

void Scheduler::stop() {
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

void Scheduler::loop() {
  while (true) {
    int64_t sleep_ms = poll_interval_ms_;
    Result<std::optional<int64_t>> next = context_.engine->next_due_at_ms();
    if (next.ok() && next.value().has_value()) {
      const int64_t until_ms = *next.value() - context_.clock->now_ms();
      sleep_ms = std::clamp<int64_t>(until_ms, 0, poll_interval_ms_);
    }
    if (next.ok() && next.value().has_value() && sleep_ms == 0) {
      Result<int64_t> processed = context_.engine->run_due();
      if (processed.ok()) {
        context_.metrics.add("marketcore_scheduler_runs_total", "", processed.value());
      } else {
        context_.metrics.add("marketcore_scheduler_errors_total", "", 1);
        std::fprintf(stderr, "marketcore-server: scheduler: %s\n",
                     processed.status().to_string().c_str());
        sleep_ms = poll_interval_ms_;
      }
      if (sleep_ms == 0 && processed.ok() && processed.value() > 0) continue;
      sleep_ms = std::max<int64_t>(sleep_ms, 10);
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                   [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace mc::server
