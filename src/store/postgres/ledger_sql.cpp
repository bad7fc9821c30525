// The ledger's accounts and transfers.
//
// A transfer reads both accounts (creating them on first use, with allow_negative from the
// ledger rules), checks the amount, the markets and the non-negative rule with checked
// arithmetic, writes both new balances and the transfer row. Everything runs inside the
// unit's savepoint, so a failure at any step leaves nothing. Hold accounts are moved only by
// the hold operations (holds_sql.cpp), never by a plain transfer.
//
// Invariants asserted (MC_ASSERT, they hold whatever a caller asks): both legs of a transfer
// are written — each balance update changes exactly its one account row and the transfer row
// is inserted — and the two balances move by the same amount.
#include <algorithm>

#include "common/assert.h"
#include "ledger/ledger_rules.h"
#include "marketcore/money.h"
#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

constexpr std::string_view kAccountColumns =
    "id, market_id, kind, owner_id, balance_minor, allow_negative";

Result<AccountRow> read_account(const Statement& s) {
  AccountRow row;
  row.id = s.column_int64(0);
  row.ref.market_id = s.column_int64(1);
  std::optional<AccountKind> kind = ledger::account_kind_from_int(s.column_int64(2));
  if (!kind) return corrupt("account " + std::to_string(row.id) + " has an unknown kind");
  row.ref.kind = *kind;
  row.ref.owner_id = s.column_int64(3);
  row.balance_minor = s.column_int64(4);
  row.allow_negative = s.column_int64(5) != 0;
  return row;
}

Status write_balance(Connection& connection, const AccountRow& row) {
  MC_TRY_ASSIGN(Statement stmt,
                connection.prepare("UPDATE accounts SET balance_minor = ?2 WHERE id = ?1"));
  stmt.bind(1, row.id).bind(2, row.balance_minor);
  MC_TRY_ASSIGN(const int64_t changed, stmt.run());
  MC_ASSERT(changed == 1);  // the account row was loaded in this unit: it exists
  return ok_status();
}

// READ COMMITTED: adds `delta_minor` to the stored balance (whatever it is now, under the row
// lock the UPDATE takes) and returns the new balance.
Result<int64_t> add_to_balance(Connection& connection, AccountId id, int64_t delta_minor) {
  MC_TRY_ASSIGN(Statement stmt,
                connection.prepare("UPDATE accounts SET balance_minor = balance_minor + ?2 "
                                   "WHERE id = ?1 RETURNING balance_minor"));
  stmt.bind(1, id).bind(2, delta_minor);
  MC_TRY_ASSIGN(const bool has_row, stmt.step());
  MC_ASSERT(has_row);  // the account row was loaded in this unit: it exists
  return stmt.column_int64(0);
}

std::string describe(const AccountRef& ref) {
  return std::string(account_kind_name(ref.kind)) + ":" + std::to_string(ref.owner_id);
}

}  // namespace

Result<std::optional<AccountRow>> PgTransaction::find_account(const AccountRef& ref) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kAccountColumns, "accounts",
                                               "WHERE market_id = ?1 AND kind = ?2 AND "
                                               "owner_id = ?3")));
  stmt.bind(1, ref.market_id).bind(2, static_cast<int64_t>(ref.kind)).bind(3, ref.owner_id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<AccountRow>();
  MC_TRY_ASSIGN(AccountRow row, read_account(stmt));
  return std::optional<AccountRow>(row);
}

Result<AccountRow> PgTransaction::account_by_id(AccountId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kAccountColumns, "accounts", "WHERE id = ?1")));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return corrupt("account " + std::to_string(id) + " is missing");
  return read_account(stmt);
}

Result<AccountRow> PgTransaction::ensure_account(const AccountRef& ref) {
  MC_TRY_ASSIGN(std::optional<AccountRow> found, find_account(ref));
  if (found) return *found;
  if (!lock_reads_) return create_account(ref);
  // READ COMMITTED: another unit may create the account between the lookup and the insert; its
  // row wins and is read back (a new statement sees it once committed).
  if (!ledger::account_kind_from_int(static_cast<int64_t>(ref.kind))) {
    return invalid_argument("account_kind_unknown", "unknown account kind", "kind");
  }
  MC_TRY(market(ref.market_id).status());
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO accounts (market_id, kind, owner_id, "
                                    "balance_minor, allow_negative) VALUES (?1, ?2, ?3, 0, ?4) "
                                    "ON CONFLICT DO NOTHING"));
  stmt.bind(1, ref.market_id).bind(2, static_cast<int64_t>(ref.kind)).bind(3, ref.owner_id);
  stmt.bind(4, int64_t{ledger::may_go_negative(ref.kind) ? 1 : 0});
  MC_TRY(stmt.run());
  MC_TRY_ASSIGN(found, find_account(ref));
  if (!found) return internal_error("postgres_error", "an account vanished after its insert");
  return *found;
}

Result<AccountRow> PgTransaction::create_account(const AccountRef& ref) {
  if (!ledger::account_kind_from_int(static_cast<int64_t>(ref.kind))) {
    return invalid_argument("account_kind_unknown", "unknown account kind", "kind");
  }
  MC_TRY(market(ref.market_id).status());
  AccountRow row;
  row.ref = ref;
  row.allow_negative = ledger::may_go_negative(ref.kind);
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO accounts (market_id, kind, owner_id, "
                                    "balance_minor, allow_negative) VALUES (?1, ?2, ?3, 0, ?4) "
                                    "RETURNING id"));
  stmt.bind(1, ref.market_id).bind(2, static_cast<int64_t>(ref.kind)).bind(3, ref.owner_id);
  stmt.bind(4, int64_t{row.allow_negative ? 1 : 0});
  MC_TRY_ASSIGN(row.id, stmt.run_returning_id());
  return row;
}

Result<TransferId> PgTransaction::move(AccountRow& from, AccountRow& to, int64_t amount_minor,
                                       std::string_view reason, std::optional<JobId> job,
                                       std::optional<HoldId> hold,
                                       const std::optional<std::string>& external_ref) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "a transfer moves a positive amount",
                            "amount_minor");
  }
  if (from.ref.market_id != to.ref.market_id) {
    return invalid_argument("market_mismatch", "a transfer stays inside one market");
  }
  if (from.id == to.id) {
    return invalid_argument("same_account", "a transfer needs two distinct accounts");
  }
  MC_TRY_ASSIGN(const int64_t from_after, checked_sub(from.balance_minor, amount_minor));
  MC_TRY_ASSIGN(const int64_t to_after, checked_add(to.balance_minor, amount_minor));
  if (from_after < 0 && !from.allow_negative) {
    return failed_precondition("insufficient_funds", describe(from.ref) + " holds " +
                                                         std::to_string(from.balance_minor) +
                                                         ", needs " + std::to_string(amount_minor));
  }
  MC_ASSERT(from.balance_minor - from_after == to_after - to.balance_minor);
  if (lock_reads_) {
    // READ COMMITTED: the loaded balances may be stale. Both change relative to what is stored,
    // the lower account id first (one lock order for every unit), and the rule is checked on the
    // stored result; a refusal puts both back (the unit may go on, as after a refusal on SQLite,
    // which checks before writing).
    const bool from_first = from.id < to.id;
    AccountRow& first = from_first ? from : to;
    AccountRow& second = from_first ? to : from;
    MC_TRY_ASSIGN(first.balance_minor,
                  add_to_balance(connection_, first.id, from_first ? -amount_minor : amount_minor));
    MC_TRY_ASSIGN(second.balance_minor, add_to_balance(connection_, second.id,
                                                       from_first ? amount_minor : -amount_minor));
    if (from.balance_minor < 0 && !from.allow_negative) {
      MC_TRY_ASSIGN(from.balance_minor, add_to_balance(connection_, from.id, amount_minor));
      MC_TRY_ASSIGN(to.balance_minor, add_to_balance(connection_, to.id, -amount_minor));
      return failed_precondition("insufficient_funds", describe(from.ref) + " holds " +
                                                           std::to_string(from.balance_minor) +
                                                           ", needs " +
                                                           std::to_string(amount_minor));
    }
  } else {
    from.balance_minor = from_after;
    to.balance_minor = to_after;
    MC_TRY(write_balance(connection_, from));
    MC_TRY(write_balance(connection_, to));
  }
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO transfers (market_id, debit_account_id, "
                                    "credit_account_id, amount_minor, reason, job_id, hold_id, "
                                    "external_ref, created_at_ms) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id"));
  stmt.bind(1, from.ref.market_id).bind(2, from.id).bind(3, to.id).bind(4, amount_minor);
  stmt.bind(5, reason).bind(6, job).bind(7, hold).bind(8, external_ref).bind(9, now_ms_);
  return stmt.run_returning_id();
}

Result<TransferId> PgTransaction::transfer(const AccountRef& from, const AccountRef& to,
                                           int64_t amount_minor, std::string_view reason,
                                           std::optional<JobId> job,
                                           std::optional<std::string> external_ref) {
  if (from.kind == AccountKind::hold || to.kind == AccountKind::hold) {
    return invalid_argument("hold_account_direct",
                            "hold accounts move only through create/post/void_hold");
  }
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive", "a transfer moves a positive amount",
                            "amount_minor");
  }
  // A reference credits a party account, or debits one back to the market.
  const bool credit = ledger::is_party_kind(to.kind);
  const ExternalRefDirection direction =
      credit ? ExternalRefDirection::credit : ExternalRefDirection::debit;
  const AccountRef& party_account = credit ? to : from;
  if (external_ref) {
    if (external_ref->empty()) {
      return invalid_argument("external_ref_empty", "an external reference is not empty");
    }
    if (!ledger::is_party_kind(party_account.kind)) {
      return invalid_argument("external_ref_without_party",
                              "an external reference moves money into or out of a party account");
    }
    MC_TRY_ASSIGN(std::optional<ExternalCredit> prior,
                  find_external_credit(to.market_id, *external_ref, direction));
    if (prior) {
      return Status(Code::already_exists, "external_ref_used",
                    "external reference '" + *external_ref + "' was used already");
    }
  }
  MC_TRY_ASSIGN(AccountRow from_row, ensure_account(from));
  MC_TRY_ASSIGN(AccountRow to_row, ensure_account(to));
  MC_TRY_ASSIGN(TransferId id,
                move(from_row, to_row, amount_minor, reason, job, std::nullopt, external_ref));
  if (external_ref) {
    MC_TRY_ASSIGN(Statement stmt,
                  connection_.prepare("INSERT INTO external_refs (market_id, direction, "
                                      "external_ref, party_id, account_kind, reason, "
                                      "transfer_id, amount_minor, created_at_ms) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    stmt.bind(1, to.market_id).bind(2, static_cast<int64_t>(direction)).bind(3, *external_ref);
    stmt.bind(4, party_account.owner_id).bind(5, static_cast<int64_t>(party_account.kind));
    stmt.bind(6, reason).bind(7, id).bind(8, amount_minor).bind(9, now_ms_);
    MC_TRY(stmt.run());
  }
  return id;
}

Result<std::optional<ExternalCredit>> PgTransaction::find_external_credit(
    MarketId market, std::string_view ref, ExternalRefDirection direction) {
  MC_TRY(lock_key(KeySpace::external_ref, market, ref));
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT external_ref, party_id, transfer_id, amount_minor, "
                                    "created_at_ms, account_kind, reason FROM external_refs "
                                    "WHERE market_id = ?1 AND direction = ?2 AND "
                                    "external_ref = ?3"));
  stmt.bind(1, market).bind(2, static_cast<int64_t>(direction)).bind(3, ref);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<ExternalCredit>();
  ExternalCredit credit;
  credit.external_ref = stmt.column_text(0);
  credit.party_id = stmt.column_int64(1);
  credit.transfer_id = stmt.column_int64(2);
  credit.amount_minor = stmt.column_int64(3);
  credit.created_at_ms = stmt.column_int64(4);
  credit.direction = direction;
  std::optional<AccountKind> kind = ledger::account_kind_from_int(stmt.column_int64(5));
  if (!kind) return corrupt("external reference '" + credit.external_ref + "' has a bad kind");
  credit.account_kind = *kind;
  credit.reason = stmt.column_text(6);
  return std::optional<ExternalCredit>(std::move(credit));
}

Result<int64_t> PgTransaction::balance(const AccountRef& account) {
  MC_TRY_ASSIGN(std::optional<AccountRow> row, find_account(account));
  return row ? row->balance_minor : 0;
}

Result<Balances> PgTransaction::balances(MarketId market, PartyId party) {
  Balances out;
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("SELECT kind, balance_minor FROM accounts "
                                                    "WHERE market_id = ?1 AND owner_id = ?2 "
                                                    "AND kind IN (2, 3, 4, 5)"));
  stmt.bind(1, market).bind(2, party);
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    const int64_t balance_minor = stmt.column_int64(1);
    switch (static_cast<AccountKind>(stmt.column_int64(0))) {
      case AccountKind::available:
        out.available_minor = balance_minor;
        break;
      case AccountKind::promo:
        out.promo_minor = balance_minor;
        break;
      case AccountKind::pending:
        out.pending_minor = balance_minor;
        break;
      default:
        out.stake_minor = balance_minor;
        break;
    }
  }
  // Held holds of the party, by what their accounts hold now (a lead's escrow shrinks as
  // contracts draw from it), as hold_totals keeps them.
  MC_TRY_ASSIGN(Statement held,
                connection_.prepare("SELECT purpose, held_minor FROM hold_totals WHERE "
                                    "market_id = ?1 AND party_id = ?2"));
  held.bind(1, market).bind(2, party);
  while (true) {
    MC_TRY_ASSIGN(bool has_row, held.step());
    if (!has_row) break;
    int64_t* total = nullptr;
    switch (static_cast<HoldPurpose>(held.column_int64(0))) {
      case HoldPurpose::stake:
        total = &out.stake_locked_minor;
        break;
      case HoldPurpose::escrow:
        total = &out.escrow_minor;
        break;
      case HoldPurpose::settlement:
        total = &out.pending_minor;
        break;
      default:
        continue;
    }
    *total = held.column_int64(1);
  }
  return out;
}

Result<std::vector<Transfer>> PgTransaction::transfers(const TransferFilter& filter) {
  std::string tail = "WHERE market_id = ?1";
  if (filter.party_id) {
    const char* party_accounts =
        "(SELECT id FROM accounts WHERE market_id = ?1 AND owner_id = ?2 AND kind IN (2, 3, 4, "
        "5))";
    tail += std::string(" AND (debit_account_id IN ") + party_accounts +
            " OR credit_account_id IN " + party_accounts + ")";
  }
  if (filter.job_id) tail += " AND job_id = ?3";
  if (filter.before_id) tail += " AND id < ?4";
  tail += " ORDER BY id DESC LIMIT ?5";
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kTransferColumns, "transfers", tail)));
  stmt.bind(1, filter.market_id);
  if (filter.party_id) stmt.bind(2, *filter.party_id);
  if (filter.job_id) stmt.bind(3, *filter.job_id);
  if (filter.before_id) stmt.bind(4, *filter.before_id);
  stmt.bind(5, int64_t{std::clamp(filter.limit, 1, 1000)});
  std::vector<Transfer> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    out.push_back(read_transfer(stmt));
  }
  return out;
}

Result<int64_t> PgTransaction::trailing_spend(MarketId market, PartyId poster, int64_t since_ms) {
  // Under READ COMMITTED a completion in flight would be missed: wait for it (locks_sql.cpp).
  MC_TRY(lock_trailing_spend(market, poster));
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT j.escrow_minor FROM jobs j JOIN holds h ON h.id = "
                                    "j.escrow_hold_id WHERE j.poster_id = ?2 AND j.market_id = "
                                    "?1 AND j.completed_at_ms >= ?3 AND h.state = 1"));
  stmt.bind(1, market).bind(2, poster).bind(3, since_ms);
  int64_t total = 0;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(total, checked_add(total, stmt.column_int64(0)));
  }
  return total;
}

}  // namespace mc::store::postgres
