// The SQLite auth stores (marketcore/auth_store_sqlite.h): each method is one Store::write or
// Store::read over the auth section of store::Transaction/Reader (src/store/sqlite/auth_sql.cpp),
// and turns the outcome that unit reports as a value into the interface's Status. Refusals
// are decided after the unit committed, so what the unit wrote (a spent nonce, a revoked
// family) is never rolled back with them.
#include <optional>
#include <string>
#include <utility>

#include "common/assert.h"
#include "marketcore/auth_store_sqlite.h"
#include "store/store.h"

namespace mc::auth {
namespace {

using store::AuthTable;
using store::RefreshTokenSpend;
using store::RefreshTokenSpendOutcome;
using store::Transaction;

Status api_key_unknown() {
  return not_found("api_key_unknown", "no such API key");
}

}  // namespace

SqliteNonceStore::SqliteNonceStore(store::Store* store, std::shared_ptr<const Clock> clock,
                                   SqliteAuthStoreOptions options)
    : store_(store), clock_(std::move(clock)), options_(options) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

Status SqliteNonceStore::insert(const NonceRecord& record) {
  const int64_t now_ms = clock_->now_ms();
  MC_TRY_ASSIGN(bool inserted,
                store_->write_result<bool>(now_ms, [&](Transaction& tx) -> Result<bool> {
                  MC_TRY(tx.purge_expired_auth(AuthTable::nonces, now_ms, options_.purge_rows_max));
                  return tx.insert_auth_nonce(record);
                }));
  if (!inserted) return Status(Code::already_exists, "nonce_exists", "nonce already issued");
  return ok_status();
}

Result<NonceRecord> SqliteNonceStore::consume(std::string_view nonce, int64_t now_ms) {
  MC_TRY_ASSIGN(std::optional<NonceRecord> taken,
                store_->write_result<std::optional<NonceRecord>>(
                    now_ms, [&](Transaction& tx) { return tx.take_auth_nonce(nonce); }));
  if (!taken) return unauthenticated("nonce_unknown", "nonce was not issued or was already used");
  if (now_ms >= taken->expires_at_ms) return unauthenticated("nonce_expired", "nonce expired");
  return std::move(*taken);
}

SqliteReplayGuard::SqliteReplayGuard(store::Store* store, std::shared_ptr<const Clock> clock,
                                     SqliteAuthStoreOptions options)
    : store_(store), clock_(std::move(clock)), options_(options) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

Status SqliteReplayGuard::remember(std::string_view key, int64_t expires_at_ms, int64_t now_ms) {
  MC_TRY_ASSIGN(
      bool remembered, store_->write_result<bool>(now_ms, [&](Transaction& tx) -> Result<bool> {
        MC_TRY(tx.purge_expired_auth(AuthTable::replay_keys, now_ms, options_.purge_rows_max));
        return tx.remember_auth_replay_key(key, expires_at_ms, now_ms);
      }));
  if (!remembered) {
    return unauthenticated("signature_replayed", "this signature was already used");
  }
  return ok_status();
}

SqliteRefreshTokenStore::SqliteRefreshTokenStore(store::Store* store,
                                                 std::shared_ptr<const Clock> clock,
                                                 SqliteAuthStoreOptions options)
    : store_(store), clock_(std::move(clock)), options_(options) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

Status SqliteRefreshTokenStore::insert(const RefreshTokenRecord& record) {
  const int64_t now_ms = clock_->now_ms();
  MC_TRY_ASSIGN(
      bool inserted, store_->write_result<bool>(now_ms, [&](Transaction& tx) -> Result<bool> {
        MC_TRY(tx.purge_expired_auth(AuthTable::refresh_tokens, now_ms, options_.purge_rows_max));
        return tx.insert_auth_refresh_token(record);
      }));
  if (!inserted) {
    return Status(Code::already_exists, "refresh_token_exists", "refresh token exists");
  }
  return ok_status();
}

Result<RefreshTokenRecord> SqliteRefreshTokenStore::consume(std::string_view token_hash,
                                                            int64_t now_ms) {
  MC_TRY_ASSIGN(RefreshTokenSpend spend,
                store_->write_result<RefreshTokenSpend>(now_ms, [&](Transaction& tx) {
                  return tx.spend_auth_refresh_token(token_hash, now_ms);
                }));
  switch (spend.outcome) {
    case RefreshTokenSpendOutcome::spent:
      return std::move(spend.record);
    case RefreshTokenSpendOutcome::unknown:
      return unauthenticated("refresh_token_unknown", "unknown refresh token");
    case RefreshTokenSpendOutcome::revoked:
      return unauthenticated("refresh_token_revoked", "refresh token was revoked");
    case RefreshTokenSpendOutcome::reused:
      return unauthenticated("refresh_token_reused",
                             "refresh token was already used; its family is now revoked");
    case RefreshTokenSpendOutcome::expired:
      return unauthenticated("refresh_token_expired", "refresh token expired");
  }
  return internal_error("refresh_outcome_unknown", "unknown refresh token spend outcome");
}

Status SqliteRefreshTokenStore::revoke_family(std::string_view family_id) {
  const int64_t now_ms = clock_->now_ms();
  return store_->write(
      now_ms, [&](Transaction& tx) { return tx.revoke_auth_refresh_family(family_id, now_ms); });
}

SqliteApiKeyStore::SqliteApiKeyStore(store::Store* store, std::shared_ptr<const Clock> clock)
    : store_(store), clock_(std::move(clock)) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

Status SqliteApiKeyStore::insert(const ApiKeyRecord& record) {
  MC_TRY_ASSIGN(bool inserted, store_->write_result<bool>(clock_->now_ms(), [&](Transaction& tx) {
    return tx.insert_api_key(record);
  }));
  if (!inserted) return Status(Code::already_exists, "api_key_exists", "API key already exists");
  return ok_status();
}

Result<ApiKeyRecord> SqliteApiKeyStore::find_by_hash(std::string_view key_hash) {
  return store_->read_result<ApiKeyRecord>(
      [&](store::Reader& reader) { return reader.api_key_by_hash(key_hash); });
}

Result<std::vector<ApiKeyRecord>> SqliteApiKeyStore::list_by_owner(std::string_view owner_id) {
  return store_->read_result<std::vector<ApiKeyRecord>>(
      [&](store::Reader& reader) { return reader.api_keys_of_owner(owner_id); });
}

Status SqliteApiKeyStore::revoke(std::string_view owner_id, std::string_view id, int64_t now_ms) {
  MC_TRY_ASSIGN(bool revoked, store_->write_result<bool>(now_ms, [&](Transaction& tx) {
    return tx.revoke_api_key(owner_id, id, now_ms);
  }));
  if (!revoked) return api_key_unknown();
  return ok_status();
}

Status SqliteApiKeyStore::touch(std::string_view id, int64_t now_ms) {
  MC_TRY_ASSIGN(bool touched, store_->write_result<bool>(now_ms, [&](Transaction& tx) {
    return tx.touch_api_key(id, now_ms);
  }));
  if (!touched) return api_key_unknown();
  return ok_status();
}

}  // namespace mc::auth
