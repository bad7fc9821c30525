// Memory auth stores: what only they do — bounded tables that drop only expired entries.
// Single use under races and refresh-token rotation are checked for every store
// implementation by tests/auth_store/auth_store_contracts.
#include <doctest/doctest.h>

#include "marketcore/memory_auth_stores.h"

using namespace mc;
using namespace mc::auth;

TEST_CASE("stores are bounded and drop only expired entries") {
  MemoryNonceStore nonces(2);
  CHECK(nonces.insert({"a", "", 0, 100}).ok());
  CHECK(nonces.insert({"b", "", 0, 1000}).ok());
  CHECK(nonces.insert({"c", "", 50, 1000}).detail() == "nonce_store_full");
  CHECK(nonces.insert({"c", "", 100, 1000}).ok());  // "a" expired and was dropped
  CHECK(nonces.consume("c", 2000).status().detail() == "nonce_expired");

  MemoryReplayGuard guard(1);
  CHECK(guard.remember("k1", 100, 0).ok());
  CHECK(guard.remember("k1", 100, 50).detail() == "signature_replayed");
  CHECK(guard.remember("k2", 200, 50).detail() == "replay_guard_full");
  CHECK(guard.remember("k2", 200, 100).ok());
}
