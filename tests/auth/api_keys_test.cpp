// API keys: format and checksum, shown once / stored hashed, list by prefix, revoke,
// last-used time.
#include "marketcore/api_keys.h"

#include <doctest/doctest.h>

#include "marketcore/memory_auth_stores.h"

using namespace mc;
using namespace mc::auth;

TEST_CASE("API keys are prefixed, checksummed, stored hashed and authenticate") {
  auto clock = std::make_shared<ManualClock>(1'000'000);
  auto store = std::make_shared<MemoryApiKeyStore>();
  ApiKeys keys(store, clock);
  auto created = keys.create("agent_1", "ho_live_", "ci");
  REQUIRE(created.ok());
  const std::string& key = created->key;
  CHECK(key.rfind("ho_live_", 0) == 0);
  CHECK(key.size() == 8 + 32 + 6);
  CHECK(api_key_checksum_valid(key));
  CHECK(created->record.display_prefix == key.substr(0, 16) + "..");
  CHECK(created->record.key_hash == ApiKeys::hash_key(key));
  CHECK(created->record.key_hash.find(key) == std::string::npos);

  clock->advance_ms(500);
  auto who = keys.authenticate(key);
  REQUIRE(who.ok());
  CHECK(who->owner_id == "agent_1");
  CHECK(who->last_used_at_ms == 1'000'500);

  // A one-character typo fails the checksum before any lookup.
  std::string typo = key;
  typo[12] = typo[12] == 'a' ? 'b' : 'a';
  CHECK(!api_key_checksum_valid(typo));
  CHECK(keys.authenticate(typo).status().detail() == "api_key_malformed");
  CHECK(keys.authenticate("ho_live_short").status().detail() == "api_key_malformed");
  CHECK(keys.authenticate("").status().detail() == "api_key_malformed");

  // A well-formed key we never issued.
  auto foreign_store = std::make_shared<MemoryApiKeyStore>();
  auto foreign = *ApiKeys(foreign_store, clock).create("x", "ho_live_", "");
  CHECK(keys.authenticate(foreign.key).status().detail() == "api_key_unknown");

  auto second = *keys.create("agent_1", "ho_test_", "staging");
  auto listed = *keys.list("agent_1");
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == created->record.id);
  CHECK(listed[1].display_prefix.rfind("ho_test_", 0) == 0);
  CHECK(keys.revoke("agent_2", created->record.id).detail() == "api_key_unknown");
  CHECK(keys.revoke("agent_1", created->record.id).ok());
  CHECK(keys.authenticate(key).status().detail() == "api_key_revoked");
  CHECK(keys.authenticate(second.key).ok());
  CHECK(keys.create("agent_1", "Bad-Prefix", "").status().detail() == "api_key_bad_prefix");
}

TEST_CASE("api keys: last use is recorded at most once a minute") {
  auto clock = std::make_shared<mc::ManualClock>(2'000'000);
  auto store = std::make_shared<MemoryApiKeyStore>();
  ApiKeys keys(store, clock);
  auto created = keys.create("agent_1", "ho_live_", "ci");
  REQUIRE(created.ok());
  REQUIRE(keys.authenticate(created->key).ok());
  CHECK(store->find_by_hash(created->record.key_hash)->last_used_at_ms == 2'000'000);
  clock->advance_ms(10'000);
  REQUIRE(keys.authenticate(created->key).ok());
  CHECK(store->find_by_hash(created->record.key_hash)->last_used_at_ms == 2'000'000);
  clock->advance_ms(mc::auth::kApiKeyLastUsedResolutionMs);
  REQUIRE(keys.authenticate(created->key).ok());
  CHECK(store->find_by_hash(created->record.key_hash)->last_used_at_ms ==
        2'000'000 + 10'000 + mc::auth::kApiKeyLastUsedResolutionMs);
}
