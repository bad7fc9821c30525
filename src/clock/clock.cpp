// SystemClock and ManualClock.
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

std::shared_ptr<Clock> system_clock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace mc
