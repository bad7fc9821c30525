// server/scheduler.h — the server's due-work component: the library's mc::Scheduler
// (marketcore/scheduler.h) with its reports wired into /metrics and stderr.
//
// Metrics: marketcore_scheduler_runs_total (timers and holds attempted),
// marketcore_scheduler_errors_total (failed Engine::run_due calls). The per-item failures and
// the stuck gauge are wired where the engine opens (server.cpp), since they come from
// EngineOptions::on_due_failure and Engine::count_stuck_due_work.
//
// Thread-safety: start() and stop() from one thread; wake() from any thread.
#pragma once

#include <cstdint>
#include <memory>

#include "background.h"
#include "marketcore/scheduler.h"
#include "server_context.h"

namespace mc::server {

class DueWorkComponent final : public BackgroundComponent {
 public:
  DueWorkComponent(ServerContext& context, int64_t poll_interval_ms);
  ~DueWorkComponent() override;

  std::string name() const override { return "scheduler"; }
  Status start() override;
  void stop() override;

 private:
  ServerContext& context_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace mc::server
