// MC_ASSERT: invariant checks that stay on in release builds.
//
// Use only for proven invariants (Σ = 0 per market, a hold resolved once, an allowed
// from-state) — never for input, which gets a Status. A failed assertion prints the
// condition and location and aborts: continuing with a broken ledger would be worse.
#pragma once

namespace mc::detail {
[[noreturn]] void assertion_failed(const char* condition, const char* file, int line);
}  // namespace mc::detail

#define MC_ASSERT(condition)                                                          \
  do {                                                                                \
    if (!(condition)) ::mc::detail::assertion_failed(#condition, __FILE__, __LINE__); \
  } while (0)
