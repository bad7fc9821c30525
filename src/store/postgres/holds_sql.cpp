// Holds: money reserved in an account of its own (kind hold, owner = hold id), resolved
// exactly once. Resolution is a status-guarded update (state = held → posted/voided) of a hold
// read in the same unit (FOR UPDATE under READ COMMITTED); inside one transaction per unit, a
// hold's account and its state change together or not at all, and two units resolving one
// hold cannot both commit.
//
// A hold's id is chosen before its row exists (from the holds_id_seq sequence, never reused)
// so that its account can be created first and the hold row can reference it.
//
// Invariants asserted (MC_ASSERT; callers cannot break them, the checks before them refuse
// what a caller can get wrong): a new hold's account holds exactly the held amount; a hold is
// resolved once (its held → resolved update changes its row, having been read as held in the
// same unit); escrow is never short — postings and remainder come out of what the hold
// account holds, it never goes negative and ends empty. A stored hold account that is
// negative or holds more than its hold's amount is reported as data_loss/"store_corrupt".
#include <algorithm>

#include "common/assert.h"
#include "ledger/ledger_rules.h"
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

Status already_resolved(HoldId id) {
  return failed_precondition("hold_already_resolved",
                             "hold " + std::to_string(id) + " is already posted or voided");
}

constexpr int kHoldChainMax = 16;

// A hold account as stored holds between 0 and its hold's amount: it is filled once, at
// creation, and only drawn from after (by postings, child holds and the release).
Status check_stored_hold_account(const Hold& held, int64_t balance_minor) {
  if (balance_minor < 0 || balance_minor > held.amount_minor) {
    return corrupt("hold " + std::to_string(held.id) + " of " + std::to_string(held.amount_minor) +
                   " has an account holding " + std::to_string(balance_minor));
  }
  return ok_status();
}

}  // namespace

Status PgTransaction::add_to_hold_total(const Hold& held, int64_t delta_minor) {
  if (!held.party_id || delta_minor == 0) return ok_status();
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO hold_totals (market_id, party_id, purpose, "
                                    "held_minor) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (market_id, "
                                    "party_id, purpose) DO UPDATE SET held_minor = "
                                    "hold_totals.held_minor + excluded.held_minor"));
  stmt.bind(1, held.market_id).bind(2, *held.party_id);
  stmt.bind(3, static_cast<int64_t>(held.purpose)).bind(4, delta_minor);
  MC_TRY(stmt.run());
  return ok_status();
}

Status PgTransaction::add_to_hold_total(const AccountRow& account, int64_t delta_minor) {
  if (account.ref.kind != AccountKind::hold) return ok_status();
  MC_TRY_ASSIGN(Hold owner, hold(account.ref.owner_id));
  return add_to_hold_total(owner, delta_minor);
}

Result<Hold> PgTransaction::hold(HoldId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kHoldColumns, "holds",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("hold_not_found", "no hold " + std::to_string(id));
  return read_hold(stmt);
}

Result<std::vector<Hold>> PgTransaction::holds_of_job(JobId job) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare(select_sql(kHoldColumns, "holds",
                                                               "WHERE job_id = ?1 ORDER BY id")));
  stmt.bind(1, job);
  std::vector<Hold> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Hold hold, read_hold(stmt));
    out.push_back(std::move(hold));
  }
  return out;
}

Result<Hold> PgTransaction::create_hold(HoldPurpose purpose, const AccountRef& source,
                                        int64_t amount_minor, std::optional<JobId> job,
                                        std::optional<PartyId> party, std::string_view reason,
                                        std::optional<int64_t> due_at_ms,
                                        std::optional<AccountRef> release_to) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "a hold reserves a positive amount",
                            "amount_minor");
  }
  if (static_cast<int32_t>(purpose) < 0 || purpose > HoldPurpose::dispute) {
    return invalid_argument("hold_purpose_unknown", "unknown hold purpose", "purpose");
  }
  if (release_to &&
      (release_to->kind == AccountKind::hold || release_to->market_id != source.market_id)) {
    return invalid_argument("release_to_invalid",
                            "a hold releases to a non-hold account of its market");
  }
  if (source.kind == AccountKind::hold) {
    // A child hold draws from a parent hold, which must still be held.
    MC_TRY_ASSIGN(Hold parent, hold(source.owner_id));
    if (parent.state != HoldState::held) return already_resolved(parent.id);
  }
  MC_TRY_ASSIGN(AccountRow source_row, ensure_account(source));
  std::optional<AccountId> release_to_id;
  if (release_to) {
    MC_TRY_ASSIGN(AccountRow release_row, ensure_account(*release_to));
    release_to_id = release_row.id;
  }
  MC_TRY_ASSIGN(Statement next, connection_.prepare("SELECT nextval('holds_id_seq')"));
  MC_TRY_ASSIGN(bool has_row, next.step());
  if (!has_row) return internal_error("postgres_error", "nextval returned no row");
  Hold created;
  created.id = next.column_int64(0);
  created.market_id = source.market_id;
  created.purpose = purpose;
  created.job_id = job;
  created.party_id = party;
  created.amount_minor = amount_minor;
  created.due_at_ms = due_at_ms;
  created.release_to_account_id = release_to_id;
  created.created_at_ms = now_ms_;
  // A new hold id has no account yet: creating it fails if one were left over.
  MC_TRY_ASSIGN(AccountRow hold_row,
                create_account({source.market_id, AccountKind::hold, created.id}));
  created.source_account_id = source_row.id;
  created.hold_account_id = hold_row.id;
  MC_TRY(move(source_row, hold_row, amount_minor, reason, job, created.id, std::nullopt));
  MC_ASSERT(hold_row.balance_minor == amount_minor);
  MC_TRY(add_to_hold_total(source_row, -amount_minor));  // a parent hold gives it
  MC_TRY(add_to_hold_total(created, amount_minor));
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO holds (id, market_id, purpose, state, job_id, "
                                    "party_id, source_account_id, hold_account_id, amount_minor, "
                                    "due_at_ms, release_to_account_id, created_at_ms) VALUES "
                                    "(?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
  stmt.bind(1, created.id).bind(2, created.market_id).bind(3, static_cast<int64_t>(purpose));
  stmt.bind(4, job).bind(5, party).bind(6, created.source_account_id);
  stmt.bind(7, created.hold_account_id).bind(8, amount_minor).bind(9, due_at_ms);
  stmt.bind(10, release_to_id).bind(11, now_ms_);
  MC_TRY(stmt.run());
  return created;
}

Status PgTransaction::resolve_hold(HoldId hold, HoldState state) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("UPDATE holds SET state = ?2, resolved_at_ms "
                                                    "= ?3 WHERE id = ?1 AND state = 0"));
  stmt.bind(1, hold).bind(2, static_cast<int64_t>(state)).bind(3, now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  // Resolved once: both callers read the hold as held in this unit, and only they resolve it.
  MC_ASSERT(changed == 1);
  return ok_status();
}

Result<AccountRow> PgTransaction::return_account(const Hold& held) {
  MC_TRY_ASSIGN(AccountRow source_row, account_by_id(held.source_account_id));
  // A child hold drawn from a parent hold returns to the parent while it is held. Once the
  // parent is resolved its account must stay empty, so the money goes where the parent's
  // own money returns to (walking up a bounded chain of parents).
  for (int depth = 0; source_row.ref.kind == AccountKind::hold; ++depth) {
    if (depth == kHoldChainMax) {
      return internal_error("hold_chain_too_deep", "holds nest deeper than the store allows");
    }
    MC_TRY_ASSIGN(Hold parent, hold(source_row.ref.owner_id));
    if (parent.state == HoldState::held) break;
    MC_TRY_ASSIGN(source_row, account_by_id(parent.source_account_id));
  }
  return source_row;
}

Status PgTransaction::post_hold(HoldId hold_id, const std::vector<Posting>& postings) {
  MC_TRY_ASSIGN(Hold held, hold(hold_id));
  if (held.state != HoldState::held) return already_resolved(hold_id);
  MC_TRY(lock_trailing_spend_of_escrow(held));  // before the poster's hold_totals row
  MC_TRY_ASSIGN(AccountRow hold_row, account_by_id(held.hold_account_id));
  MC_TRY(check_stored_hold_account(held, hold_row.balance_minor));
  MC_TRY(add_to_hold_total(held, -hold_row.balance_minor));  // it ends empty
  MC_TRY_ASSIGN(const int64_t remainder_minor,
                ledger::hold_remainder(hold_row.balance_minor, postings));
  MC_ASSERT(remainder_minor >= 0 && remainder_minor <= hold_row.balance_minor);
  for (const Posting& posting : postings) {
    if (posting.to.kind == AccountKind::hold) {
      return invalid_argument("hold_account_direct", "a hold posts to non-hold accounts");
    }
    if (posting.to.market_id != held.market_id) {
      return invalid_argument("market_mismatch", "a hold posts inside its market");
    }
    MC_TRY_ASSIGN(AccountRow to_row, ensure_account(posting.to));
    MC_TRY(move(hold_row, to_row, posting.amount_minor, posting.reason, held.job_id, hold_id,
                std::nullopt));
    MC_ASSERT(hold_row.balance_minor >= remainder_minor);  // escrow never short
  }
  if (remainder_minor > 0) {
    MC_TRY_ASSIGN(AccountRow source_row, return_account(held));
    MC_TRY(move(hold_row, source_row, remainder_minor, "hold_remainder", held.job_id, hold_id,
                std::nullopt));
    MC_TRY(add_to_hold_total(source_row, remainder_minor));  // back to a parent hold
  }
  MC_ASSERT(hold_row.balance_minor == 0);
  return resolve_hold(hold_id, HoldState::posted);
}

Status PgTransaction::void_hold(HoldId hold_id, std::string_view reason) {
  MC_TRY_ASSIGN(Hold held, hold(hold_id));
  if (held.state != HoldState::held) return already_resolved(hold_id);
  // A voided escrow does not count, but the job's completion (update_job) will lock the key:
  // take it now, before the poster's hold_totals row, in the order a creation takes them.
  MC_TRY(lock_trailing_spend_of_escrow(held));
  MC_TRY_ASSIGN(AccountRow hold_row, account_by_id(held.hold_account_id));
  MC_TRY(check_stored_hold_account(held, hold_row.balance_minor));
  if (hold_row.balance_minor > 0) {
    const int64_t returned_minor = hold_row.balance_minor;
    MC_TRY(add_to_hold_total(held, -returned_minor));
    MC_TRY_ASSIGN(AccountRow source_row, return_account(held));
    MC_TRY(move(hold_row, source_row, returned_minor, reason, held.job_id, hold_id, std::nullopt));
    MC_TRY(add_to_hold_total(source_row, returned_minor));  // back to a parent hold
  }
  MC_ASSERT(hold_row.balance_minor == 0);
  return resolve_hold(hold_id, HoldState::voided);
}

Result<std::vector<Hold>> PgTransaction::due_holds(int32_t limit) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kHoldColumns, "holds",
                    "WHERE state = 0 AND due_at_ms IS NOT NULL AND stuck_at_ms IS NULL AND "
                    "COALESCE(next_attempt_at_ms, due_at_ms) <= ?1 ORDER BY "
                    "COALESCE(next_attempt_at_ms, due_at_ms), id LIMIT ?2")));
  stmt.bind(1, now_ms_).bind(2, int64_t{std::max(limit, 1)});
  std::vector<Hold> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Hold hold, read_hold(stmt));
    out.push_back(std::move(hold));
  }
  return out;
}

}  // namespace mc::store::postgres
