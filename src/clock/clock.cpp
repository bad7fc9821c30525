// SystemClock, ManualClock and OffsetClock.
#include "marketcore/clock.h"

#include <chrono>

namespace mc {

int64_t SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void ManualClock::advance_ms(int64_t delta_ms) {
  if (delta_ms <= 0) return;
  now_ms_.fetch_add(delta_ms, std::memory_order_acq_rel);
}

void ManualClock::set_ms(int64_t to_ms) {
  int64_t current = now_ms_.load(std::memory_order_acquire);
  while (to_ms > current &&
         !now_ms_.compare_exchange_weak(current, to_ms, std::memory_order_acq_rel)) {
  }
}

OffsetClock::OffsetClock(std::shared_ptr<const Clock> base)
    : base_(base ? std::move(base) : system_clock()) {}

int64_t OffsetClock::now_ms() const {
  return base_->now_ms() + offset_ms_.load(std::memory_order_acquire);
}

int64_t OffsetClock::advance_ms(int64_t delta_ms) {
  if (delta_ms > 0) offset_ms_.fetch_add(delta_ms, std::memory_order_acq_rel);
  std::lock_guard lock(listeners_mutex_);
  for (const auto& [handle, listener] : listeners_) listener();
  return now_ms();
}

int64_t OffsetClock::add_listener(std::function<void()> listener) {
  std::lock_guard lock(listeners_mutex_);
  const int64_t handle = next_handle_++;
  listeners_.emplace(handle, std::move(listener));
  return handle;
}

void OffsetClock::remove_listener(int64_t handle) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(handle);
}

std::shared_ptr<Clock> system_clock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace mc
