// marketcore/scheduler.h — runs an engine's due work (timers, timed holds) on its own thread.
//
// A host that does not drive time itself starts one Scheduler per Engine and forgets about it:
// the thread sleeps until Engine::next_due_at_ms() (re-checking at least every
// `poll_interval_ms`, since timers armed by requests do not notify it) and calls
// Engine::run_due(). A failed run is reported and retried at the next wake-up. wake() makes it
// look again at once (after the host moved time, or retried stuck work); with
// `wake_on_advance` it wakes by itself whenever that OffsetClock is moved forward.
//
// Failed items are retried or parked by the engine itself (engine.h, on_due_failure); the
// scheduler's report carries how many items each run attempted, its failure if it failed, and
// how many items are parked as stuck.
//
// Thread-safety: start(), stop() and the destructor from one thread; wake() from any thread.
// Callbacks run on the scheduler's thread and must not call start() or stop().
//
// Example:
//   std::unique_ptr<mc::Scheduler> scheduler = mc::Scheduler::launch(
//       *engine, {.on_run = [](const mc::SchedulerRun& run) {
//         if (!run.status.ok()) std::fprintf(stderr, "%s\n", run.status.to_string().c_str());
//       }});
//   ...
//   scheduler.reset();  // stops and joins the thread
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "marketcore/status.h"

namespace mc {

// What one Engine::run_due() call of the scheduler did.
struct SchedulerRun {
  int64_t processed = 0;  // timers and holds attempted (fired, resolved, retried or parked)
  Status status;          // the run's failure, if it failed
  int64_t stuck = 0;      // items parked as stuck after the run (-1 if it could not be read)
};

struct SchedulerOptions {
  // Longest sleep between looks at the next due time.
  int64_t poll_interval_ms = 500;
  // Called after every run that attempted something or failed.
  std::function<void(const SchedulerRun&)> on_run;
  // When set, every OffsetClock::advance_ms() of this clock wakes the scheduler.
  std::shared_ptr<OffsetClock> wake_on_advance;
};

class Scheduler {
 public:
  // `engine` must outlive the scheduler.
  explicit Scheduler(Engine& engine, SchedulerOptions options = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Constructs a scheduler and starts its thread: the one call a host needs.
  static std::unique_ptr<Scheduler> launch(Engine& engine, SchedulerOptions options = {});

  // Starts the thread. failed_precondition/"scheduler_running" if it runs already.
  Status start();
  // Stops and joins the thread (a run in progress finishes first). Idempotent.
  void stop();
  // Makes the thread look at the due work now instead of at its next wake-up.
  void wake();

 private:
  void loop();
  // Sleeps up to `sleep_ms` or until woken or stopped; false when stopping.
  bool sleep(int64_t sleep_ms);

  Engine& engine_;
  SchedulerOptions options_;
  int64_t listener_handle_ = 0;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  bool woken_ = false;     // guarded by mutex_
  std::thread thread_;
};

}  // namespace mc
