// marketcore/auth_store_sqlite.h — durable auth stores in the engine's SQLite database.
//
// The SQLite implementations of the four marketcore/auth_stores.h interfaces. Issued API keys,
// outstanding login nonces, remembered request signatures and refresh tokens survive a
// restart, and every process sharing the database file sees the same state. Each method is one
// Store::write (durable when it returns, group-committed with concurrent callers on the single
// writer) or one Store::read; consume() and remember() are therefore exactly-once under any
// concurrency. Refusals that write (an expired nonce is still spent, a reused refresh token
// revokes its family) commit with the refusal.
//
// Expired nonces, replay keys and refresh tokens are purged opportunistically: each insert
// (nonce, refresh token) or remember() first deletes at most `purge_rows_max` rows that had
// expired, so the tables stay near their live size without a sweeper. Unlike the memory
// stores these are bounded by the disk, not by an entry count, and never return
// resource_exhausted for being full; the host rate-limits whoever can make it issue nonces.
// API keys do not expire; revoked keys are kept for listing.
//
// Differences from the memory stores, both deliberate: revoking a family that has no stored
// token is a no-op (family ids are minted when a login's first token is stored), and a used
// refresh token presented after its expiry *and* purge is "refresh_token_unknown" rather than
// "refresh_token_reused".
//
// Ownership: each store holds a raw pointer to the engine's store, not ownership. Get them
// from Engine::auth_stores(); they may be called while that Engine lives (the shared_ptrs may
// outlive it, but must not be called after it is destroyed).
//
// Thread-safety: every store is thread-safe (the underlying Store is); every method is atomic.
//
// Example:
//   auto engine = mc::Engine::open({.database_path = "market.db"}).value();
//   mc::AuthStores stores = engine->auth_stores();
//   mc::auth::ApiKeys api_keys(stores.api_keys, clock);
//   mc::auth::ChallengeLogin login({.host = "example.com"}, stores.nonces, clock);
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/status.h"

namespace mc {
namespace store {
class Store;
}  // namespace store

namespace auth {

struct SqliteAuthStoreOptions {
  // Most expired rows deleted per insert/remember (default 32). Above 1 the purge outpaces
  // the inserts; larger values make single writes slower after a long quiet spell.
  int32_t purge_rows_max = 32;
};

// Single-use challenge nonces (table auth_nonces). consume() deletes the row, expired or not.
class SqliteNonceStore final : public NonceStore {
 public:
  // Requires: store and clock not null; `store` outlives every call.
  SqliteNonceStore(store::Store* store, std::shared_ptr<const Clock> clock,
                   SqliteAuthStoreOptions options = {});
  Status insert(const NonceRecord& record) override;
  Result<NonceRecord> consume(std::string_view nonce, int64_t now_ms) override;

 private:
  store::Store* store_;
  std::shared_ptr<const Clock> clock_;
  SqliteAuthStoreOptions options_;
};

// Seen request signatures (table auth_replay_keys), kept until they expire.
class SqliteReplayGuard final : public ReplayGuard {
 public:
  // Requires: store and clock not null; `store` outlives every call.
  SqliteReplayGuard(store::Store* store, std::shared_ptr<const Clock> clock,
                    SqliteAuthStoreOptions options = {});
  Status remember(std::string_view key, int64_t expires_at_ms, int64_t now_ms) override;

 private:
  store::Store* store_;
  std::shared_ptr<const Clock> clock_;
  SqliteAuthStoreOptions options_;
};

// Refresh-token families (table auth_refresh_tokens); revoke_family() stamps the clock's time.
class SqliteRefreshTokenStore final : public RefreshTokenStore {
 public:
  // Requires: store and clock not null; `store` outlives every call.
  SqliteRefreshTokenStore(store::Store* store, std::shared_ptr<const Clock> clock,
                          SqliteAuthStoreOptions options = {});
  Status insert(const RefreshTokenRecord& record) override;
  Result<RefreshTokenRecord> consume(std::string_view token_hash, int64_t now_ms) override;
  Status revoke_family(std::string_view family_id) override;

 private:
  store::Store* store_;
  std::shared_ptr<const Clock> clock_;
  SqliteAuthStoreOptions options_;
};

// API keys by hash (table api_keys). find_by_hash() and list_by_owner() run on a reader
// connection; touch() is a durable write, as ApiKeys::authenticate calls it on every use.
class SqliteApiKeyStore final : public ApiKeyStore {
 public:
  // Requires: store and clock not null; `store` outlives every call.
  SqliteApiKeyStore(store::Store* store, std::shared_ptr<const Clock> clock);
  Status insert(const ApiKeyRecord& record) override;
  Result<ApiKeyRecord> find_by_hash(std::string_view key_hash) override;
  Result<std::vector<ApiKeyRecord>> list_by_owner(std::string_view owner_id) override;
  Status revoke(std::string_view owner_id, std::string_view id, int64_t now_ms) override;
  Status touch(std::string_view id, int64_t now_ms) override;

 private:
  store::Store* store_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace auth

// The engine's durable auth stores (Engine::auth_stores()), ready to hand to ApiKeys,
// ChallengeLogin, SiweVerifier, WalletRequestVerifier and RefreshTokens. Every pointer is set.
// Valid to call while the Engine that made them lives (see Ownership above).
struct AuthStores {
  std::shared_ptr<auth::NonceStore> nonces;
  std::shared_ptr<auth::ReplayGuard> replay_guard;
  std::shared_ptr<auth::RefreshTokenStore> refresh_tokens;
  std::shared_ptr<auth::ApiKeyStore> api_keys;
};

}  // namespace mc
