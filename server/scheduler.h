// server/scheduler.h — fires the engine's timers and timed holds with no request needed.
//
// One thread sleeps until Engine::next_due_at_ms() (re-checking at least every
// `poll_interval_ms`, because timers armed by requests do not notify it) and calls
// Engine::run_due(). A failed run is retried at the next wake-up and counted in
// marketcore_scheduler_errors_total.
//
// Thread-safety: start() and stop() from one thread; wake() from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "background.h"
#include "server_context.h"

namespace mc::server {

class Scheduler final : public BackgroundComponent {
 public:
  Scheduler(ServerContext& context, int64_t poll_interval_ms);
  ~Scheduler() override;

  std::string name() const override { return "scheduler"; }
  Status start() override;
  void stop() override;
  void wake();

 private:
  void loop();

  ServerContext& context_;
  const int64_t poll_interval_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace mc::server
