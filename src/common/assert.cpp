// Failure path of MC_ASSERT.
#include "common/assert.h"

#include <cstdio>
#include <cstdlib>

namespace mc::detail {

void assertion_failed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "marketcore: assertion failed: %s at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace mc::detail
