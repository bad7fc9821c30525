// marketcore/auth_stores.h — the storage the auth layer needs, as narrow atomic interfaces.
//
// Single-use nonces, seen wallet signatures, refresh-token families and API-key records must
// outlive a request and be shared by every server thread. Each method is one atomic step, so
// an SQL implementation is one statement (or one short transaction) per call:
//   NonceStore::consume    DELETE FROM nonces WHERE nonce = ? RETURNING ...
//   ReplayGuard::remember  INSERT INTO seen (key, expires_at_ms) ... ON CONFLICT DO NOTHING
//   RefreshTokenStore::consume  UPDATE ... SET used_at_ms = ? WHERE hash = ? AND used_at_ms IS
//                          NULL RETURNING ...; on no row, revoke the family if the token was used
//   ApiKeyStore::find_by_hash   SELECT ... WHERE key_hash = ?
// In-memory implementations (bounded, expiring) are in marketcore/memory_auth_stores.h; the
// SQLite ones live in the store.
//
// Thread-safety: every implementation must be safe to call from many threads at once, and
// each method must be atomic with respect to the others (two concurrent consume() calls of
// one nonce: exactly one succeeds).
//
// Example:
//   MC_TRY(nonces.insert({.nonce = n, .subject = "", .issued_at_ms = now, .expires_at_ms = t}));
//   MC_TRY_ASSIGN(mc::auth::NonceRecord record, nonces.consume(n, clock.now_ms()));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/status.h"

namespace mc::auth {

// A challenge nonce we issued: SIWE nonces (subject empty) and j0 challenges (subject = the
// lower-case wallet address the challenge was issued to).
struct NonceRecord {
  std::string nonce;
  std::string subject;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
};

class NonceStore {
 public:
  virtual ~NonceStore() = default;
  // Stores a fresh nonce.
  // Returns: already_exists/"nonce_exists"; resource_exhausted/"nonce_store_full";
  // unavailable on store failure.
  virtual Status insert(const NonceRecord& record) = 0;
  // Removes and returns the nonce if it exists and has not expired at now_ms. Succeeds at most
  // once per inserted nonce, ever.
  // Returns: unauthenticated/"nonce_unknown" (never issued, or already used) or
  // "nonce_expired"; unavailable on store failure.
  virtual Result<NonceRecord> consume(std::string_view nonce, int64_t now_ms) = 0;
};

// Remembers request signatures until they would be rejected by their time window anyway.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // Records `key` as seen until expires_at_ms. Succeeds at most once per key while unexpired.
  // Returns: unauthenticated/"signature_replayed" if the key was seen;
  // resource_exhausted/"replay_guard_full"; unavailable on store failure.
  virtual Status remember(std::string_view key, int64_t expires_at_ms, int64_t now_ms) = 0;
};

// One refresh token (stored by hash only). Tokens of one login form a family; rotating spends
// the old token and adds the next one to the family.
struct RefreshTokenRecord {
  std::string token_hash;  // hex SHA-256 of the token
  std::string family_id;
  std::string subject;
  int64_t issued_at_ms = 0;
  int64_t expires_at_ms = 0;
};

class RefreshTokenStore {
 public:
  virtual ~RefreshTokenStore() = default;
  // Returns: already_exists/"refresh_token_exists"; resource_exhausted/"refresh_store_full";
  // unavailable on store failure.
  virtual Status insert(const RefreshTokenRecord& record) = 0;
  // Marks the token used and returns it, if it is unused, unrevoked and unexpired. A token
  // presented a second time is theft or a race: the whole family is revoked.
  // Returns: unauthenticated/"refresh_token_unknown", "refresh_token_expired",
  // "refresh_token_revoked", or "refresh_token_reused" (family now revoked).
  virtual Result<RefreshTokenRecord> consume(std::string_view token_hash, int64_t now_ms) = 0;
  // Revokes every token of the family (logout). Unknown families are not an error.
  virtual Status revoke_family(std::string_view family_id) = 0;
};

// An API key as stored: never the key, only its SHA-256.
struct ApiKeyRecord {
  std::string id;              // stable public id, e.g. "key_…"
  std::string owner_id;        // the party that owns it
  std::string key_hash;        // hex SHA-256 of the full key
  std::string display_prefix;  // first characters + "..", safe to list
  std::string label;
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
  std::optional<int64_t> last_used_at_ms;
};

class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  // Returns: already_exists/"api_key_exists" (same id or hash); unavailable.
  virtual Status insert(const ApiKeyRecord& record) = 0;
  // Returns: not_found/"api_key_unknown"; unavailable.
  virtual Result<ApiKeyRecord> find_by_hash(std::string_view key_hash) = 0;
  // The owner's keys, revoked ones included, oldest first. Returns: unavailable.
  virtual Result<std::vector<ApiKeyRecord>> list_by_owner(std::string_view owner_id) = 0;
  // Sets revoked_at_ms if the key belongs to the owner and is not revoked yet; revoking twice
  // is ok. Returns: not_found/"api_key_unknown" (no such key for this owner); unavailable.
  virtual Status revoke(std::string_view owner_id, std::string_view id, int64_t now_ms) = 0;
  // Sets last_used_at_ms (monotonic: an earlier time never overwrites a later one).
  // Returns: not_found/"api_key_unknown"; unavailable.
  virtual Status touch(std::string_view id, int64_t now_ms) = 0;
};

}  // namespace mc::auth
