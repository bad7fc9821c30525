// The auth-store contracts (see auth_store_contracts.h).
#include "auth_store/auth_store_contracts.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "marketcore/api_keys.h"
#include "marketcore/memory_auth_stores.h"
#include "marketcore/refresh_tokens.h"

namespace mc::auth::testing {
namespace {

constexpr int kRacingThreads = 8;

// Runs `attempt` on kRacingThreads threads at once; returns how many returned true.
template <typename Attempt>
int race(const Attempt& attempt) {
  std::atomic<bool> start{false};
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacingThreads; ++i) {
    threads.emplace_back([&] {
      while (!start.load(std::memory_order_acquire)) std::this_thread::yield();
      if (attempt()) ++winners;
    });
  }
  start.store(true, std::memory_order_release);
  for (auto& thread : threads) thread.join();
  return winners.load();
}

}  // namespace

void check_nonce_store_contract(NonceStore& store, const std::shared_ptr<ManualClock>& clock) {
  const int64_t t = clock->now_ms();
  REQUIRE(store.insert({"n1", "0xabc", t, t + 1000}).ok());
  CHECK(store.insert({"n1", "", t, t + 1000}).detail() == "nonce_exists");
  auto taken = store.consume("n1", t + 10);
  REQUIRE(taken.ok());
  CHECK(taken->nonce == "n1");
  CHECK(taken->subject == "0xabc");
  CHECK(taken->issued_at_ms == t);
  CHECK(taken->expires_at_ms == t + 1000);
  CHECK(store.consume("n1", t + 10).status().detail() == "nonce_unknown");
  CHECK(store.consume("never", t + 10).status().detail() == "nonce_unknown");

  // Expiry is checked at the consumer's now; an expired nonce is spent all the same.
  REQUIRE(store.insert({"e", "", t, t + 100}).ok());
  const auto expired = store.consume("e", t + 100);
  CHECK(expired.status().code() == Code::unauthenticated);
  CHECK(expired.status().detail() == "nonce_expired");
  CHECK(store.consume("e", t + 50).status().detail() == "nonce_unknown");

  REQUIRE(store.insert({"race", "", t, t + 1000}).ok());
  CHECK(race([&] { return store.consume("race", t + 10).ok(); }) == 1);
}

void check_replay_guard_contract(ReplayGuard& guard, const std::shared_ptr<ManualClock>& clock) {
  const int64_t t = clock->now_ms();
  CHECK(guard.remember("k1", t + 100, t).ok());
  const Status replayed = guard.remember("k1", t + 100, t + 50);
  CHECK(replayed.code() == Code::unauthenticated);
  CHECK(replayed.detail() == "signature_replayed");
  CHECK(guard.remember("k2", t + 200, t + 50).ok());
  // Once expired the key may be remembered again, with its new expiry.
  CHECK(guard.remember("k1", t + 300, t + 100).ok());
  CHECK(guard.remember("k2", t + 200, t + 199).detail() == "signature_replayed");
  CHECK(guard.remember("k1", t + 300, t + 299).detail() == "signature_replayed");

  CHECK(race([&] { return guard.remember("race", t + 1000, t).ok(); }) == 1);
}

void check_refresh_token_store_contract(const std::shared_ptr<RefreshTokenStore>& store,
                                        const std::shared_ptr<ManualClock>& clock) {
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
  CHECK(refresh.revoke_family("family_never_issued").ok());

  // The store itself: a hash is stored once.
  const int64_t t = clock->now_ms();
  const RefreshTokenRecord record{"hash_1", "family_1", "party_4", t, t + 1000};
  REQUIRE(store->insert(record).ok());
  CHECK(store->insert(record).detail() == "refresh_token_exists");
  auto spent = store->consume("hash_1", t + 1);
  REQUIRE(spent.ok());
  CHECK(spent->family_id == "family_1");
  CHECK(spent->subject == "party_4");
  CHECK(spent->expires_at_ms == t + 1000);

  // Two clients rotating one token at once: exactly one gets the next token.
  auto contested = *refresh.issue("party_5");
  CHECK(race([&] { return refresh.rotate(contested.token).ok(); }) == 1);
}

void check_api_key_store_contract(const std::shared_ptr<ApiKeyStore>& store,
                                  const std::shared_ptr<ManualClock>& clock) {
  ApiKeys keys(store, clock);
  auto created = keys.create("agent_1", "ho_live_", "ci");
  REQUIRE(created.ok());
  const std::string& key = created->key;
  const int64_t created_at_ms = clock->now_ms();
  CHECK(created->record.created_at_ms == created_at_ms);

  clock->advance_ms(500);
  auto who = keys.authenticate(key);
  REQUIRE(who.ok());
  CHECK(who->owner_id == "agent_1");
  CHECK(who->label == "ci");
  CHECK(who->last_used_at_ms == created_at_ms + 500);
  auto stored = store->find_by_hash(ApiKeys::hash_key(key));
  REQUIRE(stored.ok());
  CHECK(stored->last_used_at_ms == created_at_ms + 500);
  CHECK(stored->display_prefix == created->record.display_prefix);
  CHECK(!stored->revoked_at_ms);

  // A well-formed key we never issued.
  auto foreign = *ApiKeys(std::make_shared<MemoryApiKeyStore>(), clock).create("x", "ho_live_", "");
  CHECK(keys.authenticate(foreign.key).status().detail() == "api_key_unknown");
  CHECK(store->find_by_hash("00").status().code() == Code::not_found);
  CHECK(store->find_by_hash("00").status().detail() == "api_key_unknown");

  auto second = *keys.create("agent_1", "ho_test_", "staging");
  auto listed = *keys.list("agent_1");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == created->record.id);
  CHECK(listed[1].display_prefix.rfind("ho_test_", 0) == 0);
  CHECK(keys.list("agent_2")->empty());
  CHECK(keys.revoke("agent_2", created->record.id).detail() == "api_key_unknown");
  CHECK(keys.revoke("agent_1", "key_never").detail() == "api_key_unknown");
  CHECK(keys.revoke("agent_1", created->record.id).ok());
  CHECK(keys.authenticate(key).status().detail() == "api_key_revoked");
  CHECK(keys.authenticate(second.key).ok());

  // Revoking twice is fine and keeps the first time.
  const int64_t revoked_at_ms = clock->now_ms();
  clock->advance_ms(100);
  CHECK(store->revoke("agent_1", created->record.id, clock->now_ms()).ok());
  CHECK(store->find_by_hash(created->record.key_hash)->revoked_at_ms == revoked_at_ms);
  CHECK(keys.list("agent_1")->at(0).revoked_at_ms == revoked_at_ms);

  // The same id or the same hash is refused.
  ApiKeyRecord clash = second.record;
  clash.key_hash = "ff";
  CHECK(store->insert(clash).detail() == "api_key_exists");
  clash = second.record;
  clash.id = "key_other";
  CHECK(store->insert(clash).detail() == "api_key_exists");

  // last_used_at_ms only moves forward.
  const std::string& id = second.record.id;
  CHECK(store->touch(id, created_at_ms + 10'000).ok());
  CHECK(store->touch(id, created_at_ms + 5'000).ok());
  CHECK(store->find_by_hash(second.record.key_hash)->last_used_at_ms == created_at_ms + 10'000);
  CHECK(store->touch("key_never", created_at_ms).detail() == "api_key_unknown");
}

}  // namespace mc::auth::testing
