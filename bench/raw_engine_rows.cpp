// RawEngineRows (see raw_engine_rows.h).
#include "raw_engine_rows.h"

#include <chrono>

namespace bench {
namespace {

// Payloads of the same length as the engine's (its JSON for a j0 job's events).
const std::string kTransitionPayload(540, 'x');
const std::string kBalancePayload(150, 'x');

}  // namespace

int64_t RawEngineRows::run(const char* sql, std::initializer_list<Value> values) {
  sqlite3_stmt*& stmt = statements_[sql];
  if (stmt == nullptr &&
      sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db_));
    std::exit(1);
  }
  int index = 1;
  for (const Value& value : values) {
    if (const auto* number = std::get_if<int64_t>(&value)) {
      sqlite3_bind_int64(stmt, index, *number);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      sqlite3_bind_text(stmt, index, text->data(), static_cast<int>(text->size()), SQLITE_STATIC);
    } else {
      sqlite3_bind_null(stmt, index);
    }
    ++index;
  }
  int64_t result = 0;
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    result = sqlite3_column_int64(stmt, 0);
    rc = sqlite3_step(stmt);
  } else {
    result = sqlite3_changes64(db_);
  }
  if (rc != SQLITE_DONE) {
    std::fprintf(stderr, "sqlite: %s in %s\n", sqlite3_errmsg(db_), sql);
    std::exit(2);
  }
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  return result;
}

int64_t RawEngineRows::account_id(int kind, int64_t owner) {
  return run("SELECT id FROM accounts WHERE market_id = ?1 AND kind = ?2 AND owner_id = ?3",
             {market_, int64_t{kind}, owner});
}

void RawEngineRows::event(const char* type, int64_t job, std::initializer_list<int64_t> parties,
                          const std::string& payload, bool broadcast) {
  run("INSERT INTO events (market_id, type, job_id, party_ids, broadcast, payload_json, "
      "created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      {market_, std::string(type), job, std::string("[1,2]"), int64_t{broadcast ? 1 : 0}, payload,
       now_ms_});
  const int64_t sequence = sqlite3_last_insert_rowid(db_);
  for (int64_t party : parties) {
    run("INSERT OR IGNORE INTO event_parties (party_id, sequence) VALUES (?1, ?2)",
        {party, sequence});
  }
}

void RawEngineRows::create(Open& open) {
  const char* move = "UPDATE accounts SET balance_minor = balance_minor + ?2 WHERE id = ?1";
  run("INSERT INTO jobs (market_id, parent_job_id, lifecycle, state, poster_id, worker_id, "
      "evaluator_id, amount_minor, fee_amount_minor, platform_fee_bps, platform_fee_minor, "
      "evaluator_fee_minor, worker_minor, escrow_minor, escrow_hold_id, title, description, "
      "prompt, category, capabilities_json, deadline_at_ms, work_timeout_ms, contracts_max, "
      "contracts_taken, payload_json, result_text, proof_json, verdict_json, created_at_ms, "
      "updated_at_ms, accepted_at_ms, submitted_at_ms, completed_at_ms, expires_at_ms, version) "
      "VALUES (?1, NULL, 'j0', 'posted', ?2, NULL, NULL, 10, 10, 1000, 1, 0, 9, 10, NULL, '', '', "
      "'Summarize', 'opus', '[]', NULL, 60000, 1, 0, '', '', '', '', ?3, ?3, NULL, NULL, NULL, "
      "NULL, 0)",
      {market_, poster_, now_ms_});
  open.job = sqlite3_last_insert_rowid(db_);
  open.hold = ++next_hold_;
  run("INSERT INTO accounts (market_id, kind, owner_id, balance_minor, allow_negative) VALUES "
      "(?1, 6, ?2, 0, 0)",
      {market_, open.hold});
  open.hold_account = sqlite3_last_insert_rowid(db_);
  run(move, {poster_account_, int64_t{-10}});
  run(move, {open.hold_account, int64_t{10}});
  run("INSERT INTO transfers (market_id, debit_account_id, credit_account_id, amount_minor, "
      "reason, job_id, hold_id, external_ref, created_at_ms) VALUES (?1, ?2, ?3, 10, 'escrow', "
      "?4, ?5, NULL, ?6)",
      {market_, poster_account_, open.hold_account, open.job, open.hold, now_ms_});
  run("INSERT INTO holds (id, market_id, purpose, state, job_id, party_id, source_account_id, "
      "hold_account_id, amount_minor, due_at_ms, release_to_account_id, created_at_ms) VALUES "
      "(?1, ?2, 0, 0, ?3, ?4, ?5, ?6, 10, NULL, NULL, ?7)",
      {open.hold, market_, open.job, poster_, poster_account_, open.hold_account, now_ms_});
  run("UPDATE jobs SET state = 'open', escrow_hold_id = ?2, updated_at_ms = ?3, version = "
      "version + 1 WHERE id = ?1 AND version = 0",
      {open.job, open.hold, now_ms_});
  run("INSERT INTO job_history (job_id, transition, from_state, to_state, actor_id, actor_role, "
      "at_ms) VALUES (?1, 'create', 'posted', 'open', ?2, 'poster', ?3)",
      {open.job, poster_, now_ms_});
  event("job.created", open.job, {poster_}, kTransitionPayload, true);
  event("balance.updated", 0, {poster_}, kBalancePayload, false);
  run("INSERT INTO timers (job_id, transition, state, due_at_ms, next_attempt_at_ms) VALUES "
      "(?1, 'expire', 'open', ?2, ?2)",
      {open.job, now_ms_ + 86'400'000});
}

void RawEngineRows::accept(const Open& open) {
  run("UPDATE jobs SET state = 'accepted', worker_id = ?2, accepted_at_ms = ?3, updated_at_ms = "
      "?3, version = version + 1 WHERE id = ?1 AND state = 'open'",
      {open.job, worker_, now_ms_});
  run("INSERT INTO job_history (job_id, transition, from_state, to_state, actor_id, actor_role, "
      "at_ms) VALUES (?1, 'accept', 'open', 'accepted', ?2, 'worker', ?3)",
      {open.job, worker_, now_ms_});
  event("job.accepted", open.job, {poster_, worker_}, kTransitionPayload, false);
  run("DELETE FROM timers WHERE job_id = ?1", {open.job});
  const char* timer =
      "INSERT INTO timers (job_id, transition, state, due_at_ms, next_attempt_at_ms) VALUES "
      "(?1, ?2, 'accepted', ?3, ?3)";
  run(timer, {open.job, std::string("timeout"), now_ms_ + 60'000});
  run(timer, {open.job, std::string("expire"), now_ms_ + 86'400'000});
}

void RawEngineRows::complete(const Open& open) {
  const char* move = "UPDATE accounts SET balance_minor = balance_minor + ?2 WHERE id = ?1";
  const char* transfer =
      "INSERT INTO transfers (market_id, debit_account_id, credit_account_id, amount_minor, "
      "reason, job_id, hold_id, external_ref, created_at_ms) VALUES (?1, ?2, ?3, ?4, 'payout', "
      "?5, ?6, NULL, ?7)";
  run(move, {open.hold_account, int64_t{-9}});
  run(move, {worker_account_, int64_t{9}});
  run(transfer,
      {market_, open.hold_account, worker_account_, int64_t{9}, open.job, open.hold, now_ms_});
  run(move, {open.hold_account, int64_t{-1}});
  run(move, {platform_account_, int64_t{1}});
  run(transfer,
      {market_, open.hold_account, platform_account_, int64_t{1}, open.job, open.hold, now_ms_});
  run("UPDATE holds SET state = 1, resolved_at_ms = ?2 WHERE id = ?1 AND state = 0",
      {open.hold, now_ms_});
  run("UPDATE jobs SET state = 'completed', completed_at_ms = ?2, updated_at_ms = ?2, version = "
      "version + 1 WHERE id = ?1 AND state = 'accepted'",
      {open.job, now_ms_});
  run("INSERT INTO job_history (job_id, transition, from_state, to_state, actor_id, actor_role, "
      "at_ms) VALUES (?1, 'complete', 'accepted', 'completed', ?2, 'worker', ?3)",
      {open.job, worker_, now_ms_});
  event("job.completed", open.job, {poster_, worker_}, kTransitionPayload, false);
  event("balance.updated", 0, {poster_}, kBalancePayload, false);
  event("balance.updated", 0, {worker_}, kBalancePayload, false);
  run("DELETE FROM timers WHERE job_id = ?1", {open.job});
}

double RawEngineRows::rate(int64_t jobs, int per_commit) {
  const auto start = std::chrono::steady_clock::now();
  open_.assign(static_cast<size_t>(jobs), Open{});
  int in_transaction = 0;
  for (int kind = 0; kind < 3; ++kind) {
    for (Open& open : open_) {
      if (in_transaction == 0) exec("BEGIN IMMEDIATE");
      if (kind == 0) {
        create(open);
      } else if (kind == 1) {
        accept(open);
      } else {
        complete(open);
      }
      if (++in_transaction == per_commit) {
        exec("COMMIT");
        in_transaction = 0;
      }
    }
  }
  if (in_transaction > 0) exec("COMMIT");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return static_cast<double>(3 * jobs) / seconds;
}

}  // namespace bench
