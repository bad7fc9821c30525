// Idempotency records: (scope, key) → the request's hash and the original result. The engine
// implements the protocol (replay on a matching hash, a distinct error on a different one);
// the store keeps the records and purges those past the retention.
#include "store/postgres/transaction.h"

namespace mc::store::postgres {

Result<std::optional<IdempotencyRecord>> PgTransaction::find_idempotency(std::string_view scope,
                                                                         std::string_view key) {
  MC_TRY(lock_key(KeySpace::idempotency, 0, std::string(scope) + "\n" + std::string(key)));
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT request_hash, result_json, created_at_ms FROM "
                                    "idempotency WHERE scope = ?1 AND key = ?2"));
  stmt.bind(1, scope).bind(2, key);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<IdempotencyRecord>();
  IdempotencyRecord record;
  record.request_hash = stmt.column_text(0);
  record.result_json = stmt.column_text(1);
  record.created_at_ms = stmt.column_int64(2);
  return std::optional<IdempotencyRecord>(std::move(record));
}

Status PgTransaction::save_idempotency(std::string_view scope, std::string_view key,
                                       std::string_view request_hash,
                                       std::string_view result_json) {
  if (scope.empty() || key.empty()) {
    return invalid_argument("idempotency_key_empty", "an idempotency record needs scope and key");
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO idempotency (scope, key, request_hash, "
                                    "result_json, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
                                    "ON CONFLICT DO NOTHING"));
  stmt.bind(1, scope).bind(2, key).bind(3, request_hash).bind(4, result_json).bind(5, now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) {
    return Status(Code::already_exists, "idempotency_key_exists",
                  "an idempotency record exists for this scope and key");
  }
  return ok_status();
}

Result<int64_t> PgTransaction::purge_idempotency(int64_t before_ms) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("DELETE FROM idempotency WHERE created_at_ms < ?1"));
  stmt.bind(1, before_ms);
  return stmt.run();
}

}  // namespace mc::store::postgres
