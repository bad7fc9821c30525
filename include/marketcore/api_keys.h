// marketcore/api_keys.h — API keys: random, typed by prefix, checksummed, stored as hashes.
//
// A key is <prefix><32 base62 random chars (≈190 bits)><6 base62 checksum chars>, e.g.
// "ho_live_3kT…Qz9aB1c4". The checksum (first 32 bits of SHA-256 over prefix and body) lets a
// secret scanner recognise a real key offline (api_key_checksum_valid) and lets us refuse
// typos without a store lookup. The key is returned once by create(); the store keeps only
// its SHA-256, a display prefix (first 16 chars + ".."), owner, label, times.
// Prefixes are per dialect: HumanOps "ho_live_"/"ho_test_", AgentMarket "am_live_",
// 1337MKT "mkt_live_", native "mc_live_" (any [a-z0-9_]{2,32} ending in '_').
//
// Thread-safety: safe for concurrent use if the ApiKeyStore is.
//
// Example:
//   mc::auth::ApiKeys keys(store, clock);
//   MC_TRY_ASSIGN(mc::auth::CreatedApiKey created, keys.create("agent_1", "ho_live_", "ci"));
//   show_once(created.key);
//   MC_TRY_ASSIGN(mc::auth::ApiKeyRecord who, keys.authenticate(request_header));
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/status.h"

namespace mc::auth {

struct CreatedApiKey {
  std::string key;  // the full secret: show once, never store
  ApiKeyRecord record;
};

// True when `key` ends in 32 base62 body characters and a valid checksum.
bool api_key_checksum_valid(std::string_view key);

// A key's last-used time is recorded at most once per this interval.
constexpr int64_t kApiKeyLastUsedResolutionMs = 60'000;

class ApiKeys {
 public:
  // Requires: store and clock non-null.
  ApiKeys(std::shared_ptr<ApiKeyStore> store, std::shared_ptr<const Clock> clock);

  // Returns: invalid_argument/"api_key_bad_prefix"; the store's insert codes; internal.
  Result<CreatedApiKey> create(std::string_view owner_id, std::string_view prefix,
                               std::string_view label);
  // A new key as create() makes it, without storing it: for a caller that stores the record
  // in a larger unit (Engine::register_party with RegisterParty::api_key).
  // Returns: invalid_argument/"api_key_bad_prefix"; internal.
  Result<CreatedApiKey> mint(std::string_view owner_id, std::string_view prefix,
                             std::string_view label) const;
  // Finds the live key and records its use (at most once per kApiKeyLastUsedResolutionMs).
  // Returns, in order: unauthenticated/"api_key_malformed" (shape or checksum),
  // "api_key_unknown", "api_key_revoked"; unavailable from the store.
  Result<ApiKeyRecord> authenticate(std::string_view key);
  // The owner's keys (revoked included), oldest first; no secrets.
  Result<std::vector<ApiKeyRecord>> list(std::string_view owner_id);
  // Returns: not_found/"api_key_unknown".
  Status revoke(std::string_view owner_id, std::string_view id);

  static std::string hash_key(std::string_view key);

 private:
  std::shared_ptr<ApiKeyStore> store_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace mc::auth
