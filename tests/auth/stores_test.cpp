// Memory auth stores and refresh-token rotation: single use under races, bounds, expiry,
// family revocation on reuse.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "marketcore/memory_auth_stores.h"
#include "marketcore/refresh_tokens.h"

using namespace mc;
using namespace mc::auth;

TEST_CASE("a nonce is consumed exactly once even when many threads race for it") {
  MemoryNonceStore store;
  REQUIRE(store.insert({"n1", "", 0, 1000}).ok());
  CHECK(store.insert({"n1", "", 0, 1000}).detail() == "nonce_exists");
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (store.consume("n1", 10).ok()) ++winners;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(winners == 1);
}

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

TEST_CASE("refresh tokens rotate; a reused token revokes its family") {
  auto clock = std::make_shared<ManualClock>(0);
  auto store = std::make_shared<MemoryRefreshTokenStore>();
  RefreshTokens refresh({.ttl_ms = 1000}, store, clock);
  auto first = refresh.issue("party_1");
  REQUIRE(first.ok());
  auto second = refresh.rotate(first->token);
  REQUIRE(second.ok());
  CHECK(second->subject == "party_1");
  CHECK(second->next.family_id == first->family_id);
  // The old token is dead, and presenting it kills the family.
  CHECK(refresh.rotate(first->token).status().detail() == "refresh_token_reused");
  CHECK(refresh.rotate(second->next.token).status().detail() == "refresh_token_revoked");

  auto other = *refresh.issue("party_2");
  clock->advance_ms(1000);
  CHECK(refresh.rotate(other.token).status().detail() == "refresh_token_expired");
  CHECK(refresh.rotate("rt_nope").status().detail() == "refresh_token_malformed");
  auto unknown = *RefreshTokens({}, std::make_shared<MemoryRefreshTokenStore>(), clock).issue("x");
  CHECK(refresh.rotate(unknown.token).status().detail() == "refresh_token_unknown");
  auto logout = *refresh.issue("party_3");
  CHECK(refresh.revoke_family(logout.family_id).ok());
  CHECK(refresh.rotate(logout.token).status().detail() == "refresh_token_revoked");
}
