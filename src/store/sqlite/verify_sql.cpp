// verify_ledger: recomputes every balance from the transfers, with checked arithmetic, and
// checks it against the stored balances; Σ = 0 per market (stored and recomputed); no
// forbidden negative balance; allow_negative matching the ledger rules; every transfer inside
// one market; every resolved hold's account empty.
#include <unordered_map>

#include "ledger/ledger_rules.h"
#include "marketcore/money.h"
#include "store/sqlite/transaction.h"

namespace mc::store::sqlite {
namespace {

struct AccountCheck {
  MarketId market_id = 0;
  AccountKind kind = AccountKind::world;
  int64_t owner_id = 0;
  int64_t stored_minor = 0;
  int64_t recomputed_minor = 0;
  bool allow_negative = false;
  bool overflowed = false;
};

std::string name(AccountId id, const AccountCheck& account) {
  return "account " + std::to_string(id) + " (market " + std::to_string(account.market_id) + ", " +
         account_kind_name(account.kind) + ":" + std::to_string(account.owner_id) + ")";
}

}  // namespace

Result<LedgerReport> SqliteTransaction::verify_ledger() {
  LedgerReport report;
  std::unordered_map<AccountId, AccountCheck> accounts;
  std::unordered_map<MarketId, std::pair<__int128, __int128>> sums;  // stored, recomputed
  {
    MC_TRY_ASSIGN(Statement stmt, connection_.prepare("SELECT id FROM markets"));
    while (true) {
      MC_TRY_ASSIGN(bool has_row, stmt.step());
      if (!has_row) break;
      sums[stmt.column_int64(0)] = {0, 0};
      ++report.markets_checked;
    }
  }
  MC_TRY_ASSIGN(Statement account_rows,
                connection_.prepare("SELECT id, market_id, kind, owner_id, balance_minor, "
                                    "allow_negative FROM accounts"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, account_rows.step());
    if (!has_row) break;
    const AccountId id = account_rows.column_int64(0);
    AccountCheck& account = accounts[id];
    account.market_id = account_rows.column_int64(1);
    std::optional<AccountKind> kind = ledger::account_kind_from_int(account_rows.column_int64(2));
    if (!kind) report.problems.push_back("account " + std::to_string(id) + " has unknown kind");
    account.kind = kind.value_or(AccountKind::world);
    account.owner_id = account_rows.column_int64(3);
    account.stored_minor = account_rows.column_int64(4);
    account.allow_negative = account_rows.column_int64(5) != 0;
    ++report.accounts_checked;
  }
  MC_TRY_ASSIGN(Statement transfer_rows,
                connection_.prepare("SELECT id, market_id, debit_account_id, credit_account_id, "
                                    "amount_minor FROM transfers"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, transfer_rows.step());
    if (!has_row) break;
    ++report.transfers_checked;
    const TransferId id = transfer_rows.column_int64(0);
    const MarketId market = transfer_rows.column_int64(1);
    const int64_t amount_minor = transfer_rows.column_int64(4);
    auto debit = accounts.find(transfer_rows.column_int64(2));
    auto credit = accounts.find(transfer_rows.column_int64(3));
    if (debit == accounts.end() || credit == accounts.end()) {
      report.problems.push_back("transfer " + std::to_string(id) + " names a missing account");
      continue;
    }
    if (amount_minor <= 0) {
      report.problems.push_back("transfer " + std::to_string(id) + " is not positive");
    }
    if (debit->second.market_id != market || credit->second.market_id != market) {
      report.problems.push_back("transfer " + std::to_string(id) + " crosses markets");
    }
    Result<int64_t> debited = checked_sub(debit->second.recomputed_minor, amount_minor);
    Result<int64_t> credited = checked_add(credit->second.recomputed_minor, amount_minor);
    if (debited.ok()) debit->second.recomputed_minor = debited.value();
    if (credited.ok()) credit->second.recomputed_minor = credited.value();
    debit->second.overflowed = debit->second.overflowed || !debited.ok();
    credit->second.overflowed = credit->second.overflowed || !credited.ok();
  }
  for (const auto& [id, account] : accounts) {
    auto& [stored_sum, recomputed_sum] = sums[account.market_id];
    stored_sum += account.stored_minor;
    recomputed_sum += account.recomputed_minor;
    if (account.overflowed) report.problems.push_back(name(id, account) + " overflows");
    if (account.stored_minor != account.recomputed_minor) {
      report.problems.push_back(
          name(id, account) + " stores " + std::to_string(account.stored_minor) +
          " but its transfers sum to " + std::to_string(account.recomputed_minor));
    }
    if (account.allow_negative != ledger::may_go_negative(account.kind)) {
      report.problems.push_back(name(id, account) + " has the wrong allow_negative flag");
    }
    if (!ledger::may_go_negative(account.kind) &&
        (account.stored_minor < 0 || account.recomputed_minor < 0)) {
      report.problems.push_back(name(id, account) + " is negative");
    }
  }
  for (const auto& [market, totals] : sums) {
    if (totals.first != 0 || totals.second != 0) {
      report.problems.push_back(
          "market " + std::to_string(market) + " does not sum to zero (stored " +
          std::to_string(static_cast<int64_t>(totals.first)) + ", recomputed " +
          std::to_string(static_cast<int64_t>(totals.second)) + ")");
    }
  }
  MC_TRY_ASSIGN(Statement holds,
                connection_.prepare("SELECT id, state, hold_account_id FROM holds"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, holds.step());
    if (!has_row) break;
    auto account = accounts.find(holds.column_int64(2));
    const bool resolved = holds.column_int64(1) != static_cast<int64_t>(HoldState::held);
    if (account == accounts.end()) {
      report.problems.push_back("hold " + std::to_string(holds.column_int64(0)) +
                                " has no account");
    } else if (resolved && account->second.stored_minor != 0) {
      report.problems.push_back("resolved hold " + std::to_string(holds.column_int64(0)) +
                                " still holds " + std::to_string(account->second.stored_minor));
    }
  }
  return report;
}

}  // namespace mc::store::sqlite
