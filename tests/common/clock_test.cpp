// Tests for the injected clocks.
#include "marketcore/clock.h"

#include <doctest/doctest.h>

TEST_CASE("manual clock moves only forward") {
  mc::ManualClock clock(1000);
  CHECK(clock.now_ms() == 1000);
  clock.advance_ms(500);
  CHECK(clock.now_ms() == 1500);
  clock.advance_ms(-100);
  CHECK(clock.now_ms() == 1500);
  clock.set_ms(1200);
  CHECK(clock.now_ms() == 1500);
  clock.set_ms(mc::kMillisecondsPerDay);
  CHECK(clock.now_ms() == mc::kMillisecondsPerDay);
}

TEST_CASE("system clock reads a plausible wall time") {
  // 2020-01-01 in milliseconds: the clock must be past it.
  CHECK(mc::system_clock()->now_ms() > 1'577'836'800'000);
}
