// Durable auth state (migration 3), the SQL behind marketcore/auth_store_sqlite.h.
//
//   auth_nonces          nonce → subject, issued/expiry. Consumed by DELETE … RETURNING: the
//                        row is gone after the first consume, expired or not.
//   auth_replay_keys     key → expires_at_ms. An upsert that overwrites only an expired row;
//                        "no row changed" means the key is still remembered (a replay).
//   auth_refresh_tokens  token_hash → family, subject, times, used_at_ms, revoked_at_ms.
//                        Spending is a guarded UPDATE … RETURNING; only when it matches
//                        nothing is the row read to name the refusal, and a used token revokes
//                        every token of its family. A token inserted into a revoked family is
//                        revoked from the start, so a logout racing a rotation still wins.
//   api_keys             sequence (insertion order) → id, owner, hash, … ; unique id and hash.
//
// Every method is atomic by construction: it runs on the single writer inside its unit, and
// reports refusals as values (never as a failed Status), so what it wrote commits.
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

constexpr std::string_view kApiKeyColumns =
    "id, owner_id, key_hash, display_prefix, label, created_at_ms, revoked_at_ms, "
    "last_used_at_ms";
constexpr std::string_view kRefreshTokenColumns =
    "token_hash, family_id, subject, issued_at_ms, expires_at_ms, used_at_ms, revoked_at_ms";

auth::ApiKeyRecord read_api_key(const Statement& s) {
  auth::ApiKeyRecord record;
  record.id = s.column_text(0);
  record.owner_id = s.column_text(1);
  record.key_hash = s.column_text(2);
  record.display_prefix = s.column_text(3);
  record.label = s.column_text(4);
  record.created_at_ms = s.column_int64(5);
  record.revoked_at_ms = s.column_optional_int64(6);
  record.last_used_at_ms = s.column_optional_int64(7);
  return record;
}

auth::RefreshTokenRecord read_refresh_token(const Statement& s) {
  auth::RefreshTokenRecord record;
  record.token_hash = s.column_text(0);
  record.family_id = s.column_text(1);
  record.subject = s.column_text(2);
  record.issued_at_ms = s.column_int64(3);
  record.expires_at_ms = s.column_int64(4);
  return record;
}

std::string_view purge_sql(AuthTable table) {
  switch (table) {
    case AuthTable::nonces:
      return "DELETE FROM auth_nonces WHERE nonce IN (SELECT nonce FROM auth_nonces "
             "WHERE expires_at_ms <= ?1 ORDER BY expires_at_ms LIMIT ?2)";
    case AuthTable::replay_keys:
      return "DELETE FROM auth_replay_keys WHERE key IN (SELECT key FROM auth_replay_keys "
             "WHERE expires_at_ms <= ?1 ORDER BY expires_at_ms LIMIT ?2)";
    case AuthTable::refresh_tokens:
      return "DELETE FROM auth_refresh_tokens WHERE token_hash IN (SELECT token_hash FROM "
             "auth_refresh_tokens WHERE expires_at_ms <= ?1 ORDER BY expires_at_ms LIMIT ?2)";
  }
  return {};
}

}  // namespace

Result<auth::ApiKeyRecord> PgTransaction::api_key_by_hash(std::string_view key_hash) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kApiKeyColumns, "api_keys", "WHERE key_hash = ?1")));
  stmt.bind(1, key_hash);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("api_key_unknown", "no such API key");
  return read_api_key(stmt);
}

Result<std::vector<auth::ApiKeyRecord>> PgTransaction::api_keys_of_owner(
    std::string_view owner_id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kApiKeyColumns, "api_keys",
                                               "WHERE owner_id = ?1 ORDER BY sequence")));
  stmt.bind(1, owner_id);
  std::vector<auth::ApiKeyRecord> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_api_key(stmt));
  }
  return out;
}

Result<bool> PgTransaction::insert_auth_nonce(const auth::NonceRecord& record) {
  MC_TRY_ASSIGN(
      Statement stmt,
      connection_.prepare("INSERT INTO auth_nonces (nonce, subject, issued_at_ms, "
                          "expires_at_ms) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"));
  stmt.bind(1, record.nonce).bind(2, record.subject);
  stmt.bind(3, record.issued_at_ms).bind(4, record.expires_at_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<std::optional<auth::NonceRecord>> PgTransaction::take_auth_nonce(std::string_view nonce) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("DELETE FROM auth_nonces WHERE nonce = ?1 "
                                    "RETURNING nonce, subject, issued_at_ms, expires_at_ms"));
  stmt.bind(1, nonce);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<auth::NonceRecord>();
  auth::NonceRecord record;
  record.nonce = stmt.column_text(0);
  record.subject = stmt.column_text(1);
  record.issued_at_ms = stmt.column_int64(2);
  record.expires_at_ms = stmt.column_int64(3);
  // The statement must run to completion for the delete to be final before it is reset.
  MC_TRY_ASSIGN(bool more, stmt.step());
  if (more) return internal_error("postgres_error", "two nonce rows share one primary key");
  return std::optional<auth::NonceRecord>(std::move(record));
}

Result<bool> PgTransaction::remember_auth_replay_key(std::string_view key, int64_t expires_at_ms,
                                                     int64_t now_ms) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO auth_replay_keys (key, expires_at_ms) "
                                    "VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET "
                                    "expires_at_ms = excluded.expires_at_ms "
                                    "WHERE auth_replay_keys.expires_at_ms <= ?3"));
  stmt.bind(1, key).bind(2, expires_at_ms).bind(3, now_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<bool> PgTransaction::insert_auth_refresh_token(const auth::RefreshTokenRecord& record) {
  MC_TRY_ASSIGN(
      Statement stmt,
      connection_.prepare("INSERT INTO auth_refresh_tokens (token_hash, family_id, subject, "
                          "issued_at_ms, expires_at_ms, used_at_ms, revoked_at_ms) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, NULL, (SELECT max(revoked_at_ms) FROM "
                          "auth_refresh_tokens WHERE family_id = ?2)) ON CONFLICT DO NOTHING"));
  stmt.bind(1, record.token_hash).bind(2, record.family_id).bind(3, record.subject);
  stmt.bind(4, record.issued_at_ms).bind(5, record.expires_at_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<RefreshTokenSpend> PgTransaction::spend_auth_refresh_token(std::string_view token_hash,
                                                                  int64_t now_ms) {
  RefreshTokenSpend spend;
  {
    MC_TRY_ASSIGN(Statement stmt,
                  connection_.prepare("UPDATE auth_refresh_tokens SET used_at_ms = ?2 "
                                      "WHERE token_hash = ?1 AND used_at_ms IS NULL AND "
                                      "revoked_at_ms IS NULL AND expires_at_ms > ?2 RETURNING " +
                                      std::string(kRefreshTokenColumns)));
    stmt.bind(1, token_hash).bind(2, now_ms);
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (has_row) {
      spend.outcome = RefreshTokenSpendOutcome::spent;
      spend.record = read_refresh_token(stmt);
      MC_TRY_ASSIGN(bool more, stmt.step());
      if (more) return internal_error("postgres_error", "two refresh tokens share one hash");
      return spend;
    }
  }
  // Not spendable: read the row to name why (same order as the memory store).
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kRefreshTokenColumns, "auth_refresh_tokens",
                                               "WHERE token_hash = ?1")));
  stmt.bind(1, token_hash);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return spend;  // unknown
  spend.record = read_refresh_token(stmt);
  const bool used = !stmt.column_is_null(5);
  const bool revoked = !stmt.column_is_null(6);
  if (revoked) {
    spend.outcome = RefreshTokenSpendOutcome::revoked;
  } else if (used) {
    spend.outcome = RefreshTokenSpendOutcome::reused;
    MC_TRY(revoke_auth_refresh_family(spend.record.family_id, now_ms));
  } else {
    spend.outcome = RefreshTokenSpendOutcome::expired;
  }
  return spend;
}

Status PgTransaction::revoke_auth_refresh_family(std::string_view family_id, int64_t now_ms) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE auth_refresh_tokens SET revoked_at_ms = ?2 "
                                    "WHERE family_id = ?1 AND revoked_at_ms IS NULL"));
  stmt.bind(1, family_id).bind(2, now_ms);
  MC_TRY(stmt.run());
  return ok_status();
}

Result<bool> PgTransaction::insert_api_key(const auth::ApiKeyRecord& record) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO api_keys (" + std::string(kApiKeyColumns) +
                                    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                                    "ON CONFLICT DO NOTHING"));
  stmt.bind(1, record.id).bind(2, record.owner_id).bind(3, record.key_hash);
  stmt.bind(4, record.display_prefix).bind(5, record.label).bind(6, record.created_at_ms);
  stmt.bind(7, record.revoked_at_ms).bind(8, record.last_used_at_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<bool> PgTransaction::revoke_api_key(std::string_view owner_id, std::string_view id,
                                           int64_t now_ms) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE api_keys SET revoked_at_ms = "
                                    "coalesce(revoked_at_ms, ?3) WHERE id = ?1 AND owner_id = ?2"));
  stmt.bind(1, id).bind(2, owner_id).bind(3, now_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<bool> PgTransaction::touch_api_key(std::string_view id, int64_t now_ms) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE api_keys SET last_used_at_ms = "
                                    "GREATEST(COALESCE(last_used_at_ms, ?2), ?2) WHERE id = ?1"));
  stmt.bind(1, id).bind(2, now_ms);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<int64_t> PgTransaction::purge_expired_auth(AuthTable table, int64_t now_ms,
                                                  int32_t rows_max) {
  const std::string_view sql = purge_sql(table);
  if (sql.empty()) return internal_error("auth_table_unknown", "no such auth table");
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(sql));
  stmt.bind(1, now_ms).bind(2, static_cast<int64_t>(rows_max));
  return stmt.run();
}

}  // namespace mc::store::postgres
