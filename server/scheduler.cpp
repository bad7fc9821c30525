// server/scheduler.cpp — mc::Scheduler's reports as metrics and log lines.
#include "scheduler.h"

#include <cstdio>

namespace mc::server {

DueWorkComponent::DueWorkComponent(ServerContext& context, int64_t poll_interval_ms)
    : context_(context) {
  context_.metrics.declare("marketcore_scheduler_runs_total", "counter",
                           "Timers and timed holds processed by the scheduler.");
  context_.metrics.declare("marketcore_scheduler_errors_total", "counter",
                           "Failed Engine::run_due calls.");
  SchedulerOptions options;
  options.poll_interval_ms = poll_interval_ms;
  options.wake_on_advance = context_.test_clock;
  options.on_run = [this](const SchedulerRun& run) {
    context_.metrics.add("marketcore_scheduler_runs_total", "", run.processed);
    if (!run.status.ok()) {
      context_.metrics.add("marketcore_scheduler_errors_total", "", 1);
      std::fprintf(stderr, "marketcore-server: scheduler: %s\n", run.status.to_string().c_str());
    }
  };
  scheduler_ = std::make_unique<Scheduler>(*context_.engine, std::move(options));
}

DueWorkComponent::~DueWorkComponent() {
  stop();
}

Status DueWorkComponent::start() {
  MC_TRY(scheduler_->start());
  context_.wake_scheduler = [scheduler = scheduler_.get()] { scheduler->wake(); };
  return ok_status();
}

void DueWorkComponent::stop() {
  context_.wake_scheduler = nullptr;
  scheduler_->stop();
}

}  // namespace mc::server
