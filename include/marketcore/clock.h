// marketcore/clock.h — the single source of time for the library.
//
// Every deadline, timer, token expiry and settlement hold reads time from an injected Clock,
// so tests and simulations can drive days of market time in milliseconds. Times are integer
// milliseconds since the Unix epoch (UTC), named with an `_ms` suffix throughout the API.
//
// Thread-safety: every clock may be read from any thread; ManualClock::set/advance and
// OffsetClock::advance and its listeners are thread-safe too.
//
// Example:
//   auto clock = std::make_shared<mc::ManualClock>(1'700'000'000'000);
//   clock->advance_ms(7 * 60 * 1000);  // seven minutes later
//   // Engine::advance_ms() also fires every timer that fell due (see engine.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

namespace mc {

constexpr int64_t kMillisecondsPerSecond = 1000;
constexpr int64_t kMillisecondsPerMinute = 60 * kMillisecondsPerSecond;
constexpr int64_t kMillisecondsPerHour = 60 * kMillisecondsPerMinute;
constexpr int64_t kMillisecondsPerDay = 24 * kMillisecondsPerHour;

// A source of the current time.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t now_ms() const = 0;
};

// Wall-clock time (std::chrono::system_clock).
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
};

// Time that moves only when told to. Never goes backwards.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : now_ms_(start_ms) {}
  int64_t now_ms() const override { return now_ms_.load(std::memory_order_acquire); }
  // Moves time forward by `delta_ms` (negative values are ignored).
  void advance_ms(int64_t delta_ms);
  // Moves time to `to_ms` if that is later than now; an earlier time is ignored.
  void set_ms(int64_t to_ms);

 private:
  std::atomic<int64_t> now_ms_;
};

// Another clock (the system clock by default) plus an offset that only grows: time runs as
// usual and may also be moved forward on demand. A test-mode server runs on one so that a
// client can reach a 72-hour window in a second (POST /v1/test/clock).
//
// Example:
//   auto clock = std::make_shared<mc::OffsetClock>();
//   clock->advance_ms(3 * mc::kMillisecondsPerDay);  // now_ms() is three days ahead
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(std::shared_ptr<const Clock> base = nullptr);
  int64_t now_ms() const override;
  // Moves time forward by `delta_ms` (values ≤ 0 are ignored), then calls every listener.
  // Returns the new now_ms().
  int64_t advance_ms(int64_t delta_ms);
  // How far ahead of the base clock this clock runs.
  int64_t offset_ms() const { return offset_ms_.load(std::memory_order_acquire); }
  // Calls `listener` (on the advancing thread) after every advance; returns a handle for
  // remove_listener. A listener must not add or remove listeners.
  int64_t add_listener(std::function<void()> listener);
  void remove_listener(int64_t handle);

 private:
  std::shared_ptr<const Clock> base_;
  std::atomic<int64_t> offset_ms_{0};
  std::mutex listeners_mutex_;
  int64_t next_handle_ = 1;                             // guarded by listeners_mutex_
  std::map<int64_t, std::function<void()>> listeners_;  // guarded by listeners_mutex_
};

// A shared SystemClock, for hosts that do not inject one.
std::shared_ptr<Clock> system_clock();

}  // namespace mc
