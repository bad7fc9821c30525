// verify_ledger: recomputes every balance from the transfers, with checked arithmetic, and
// checks it against the stored balances; Σ = 0 per market (stored and recomputed); no
// forbidden negative balance; allow_negative matching the ledger rules; every transfer inside
// one market; every resolved hold's account empty; hold_totals equal to what each party's held
// holds hold.
#include <map>
#include <tuple>
#include <unordered_map>

#include "common/int128.h"
#include "ledger/ledger_rules.h"
#include "marketcore/money.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
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

namespace {

using AccountChecks = std::unordered_map<AccountId, AccountCheck>;

Status load_accounts(Connection& connection, LedgerReport& report, AccountChecks& accounts) {
  MC_TRY_ASSIGN(Statement stmt, connection.prepare("SELECT id, market_id, kind, owner_id, "
                                                   "balance_minor, allow_negative FROM accounts"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    const AccountId id = stmt.column_int64(0);
    AccountCheck& account = accounts[id];
    account.market_id = stmt.column_int64(1);
    std::optional<AccountKind> kind = ledger::account_kind_from_int(stmt.column_int64(2));
    if (!kind) report.problems.push_back("account " + std::to_string(id) + " has unknown kind");
    account.kind = kind.value_or(AccountKind::world);
    account.owner_id = stmt.column_int64(3);
    account.stored_minor = stmt.column_int64(4);
    account.allow_negative = stmt.column_int64(5) != 0;
    ++report.accounts_checked;
  }
  return ok_status();
}

// Recomputes every balance from the transfers, with checked arithmetic.
Status replay_transfers(Connection& connection, LedgerReport& report, AccountChecks& accounts) {
  MC_TRY_ASSIGN(Statement stmt,
                connection.prepare("SELECT id, market_id, debit_account_id, credit_account_id, "
                                   "amount_minor FROM transfers"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    ++report.transfers_checked;
    const std::string name = "transfer " + std::to_string(stmt.column_int64(0));
    const MarketId market = stmt.column_int64(1);
    const int64_t amount_minor = stmt.column_int64(4);
    auto debit = accounts.find(stmt.column_int64(2));
    auto credit = accounts.find(stmt.column_int64(3));
    if (debit == accounts.end() || credit == accounts.end()) {
      report.problems.push_back(name + " names a missing account");
      continue;
    }
    if (amount_minor <= 0) report.problems.push_back(name + " is not positive");
    if (debit->second.market_id != market || credit->second.market_id != market) {
      report.problems.push_back(name + " crosses markets");
    }
    Result<int64_t> debited = checked_sub(debit->second.recomputed_minor, amount_minor);
    Result<int64_t> credited = checked_add(credit->second.recomputed_minor, amount_minor);
    if (debited.ok()) debit->second.recomputed_minor = debited.value();
    if (credited.ok()) credit->second.recomputed_minor = credited.value();
    debit->second.overflowed = debit->second.overflowed || !debited.ok();
    credit->second.overflowed = credit->second.overflowed || !credited.ok();
  }
  return ok_status();
}

// Per account: stored = recomputed, the allow_negative flag and the non-negative rule; per
// market: Σ stored = Σ recomputed = 0 (`sums` lists every market, even an empty one).
void check_balances(const AccountChecks& accounts,
                    std::unordered_map<MarketId, std::pair<Int128, Int128>>& sums,
                    LedgerReport& report) {
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
      report.problems.push_back("market " + std::to_string(market) + " does not sum to zero");
    }
  }
}

// Every hold has its account; a resolved hold's account is empty.
Status check_holds(Connection& connection, const AccountChecks& accounts, LedgerReport& report) {
  MC_TRY_ASSIGN(Statement stmt, connection.prepare("SELECT id, state, hold_account_id FROM holds"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    const std::string name = "hold " + std::to_string(stmt.column_int64(0));
    auto account = accounts.find(stmt.column_int64(2));
    const bool resolved = stmt.column_int64(1) != static_cast<int64_t>(HoldState::held);
    if (account == accounts.end()) {
      report.problems.push_back(name + " has no account");
    } else if (resolved && account->second.stored_minor != 0) {
      report.problems.push_back("resolved " + name + " still holds " +
                                std::to_string(account->second.stored_minor));
    }
  }
  return ok_status();
}

// hold_totals (market, party, purpose) = Σ of the held holds' accounts, recomputed here.
Status check_hold_totals(Connection& connection, const AccountChecks& accounts,
                         LedgerReport& report) {
  using Key = std::tuple<MarketId, PartyId, int64_t>;
  std::map<Key, std::pair<int64_t, int64_t>> totals;  // stored, recomputed
  MC_TRY_ASSIGN(Statement held, connection.prepare("SELECT market_id, party_id, purpose, "
                                                   "hold_account_id FROM holds WHERE state = 0 "
                                                   "AND party_id IS NOT NULL"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, held.step());
    if (!has_row) break;
    auto account = accounts.find(held.column_int64(3));
    if (account == accounts.end()) continue;  // reported by check_holds
    auto& total = totals[{held.column_int64(0), held.column_int64(1), held.column_int64(2)}];
    total.second += account->second.stored_minor;
  }
  MC_TRY_ASSIGN(Statement stored, connection.prepare("SELECT market_id, party_id, purpose, "
                                                     "held_minor FROM hold_totals"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stored.step());
    if (!has_row) break;
    totals[{stored.column_int64(0), stored.column_int64(1), stored.column_int64(2)}].first =
        stored.column_int64(3);
  }
  for (const auto& [key, total] : totals) {
    if (total.first == total.second) continue;
    const auto& [market, party, purpose] = key;
    report.problems.push_back("hold total of party " + std::to_string(party) + " (market " +
                              std::to_string(market) + ", purpose " + std::to_string(purpose) +
                              ") stores " + std::to_string(total.first) + " but its holds hold " +
                              std::to_string(total.second));
  }
  return ok_status();
}

}  // namespace

Result<LedgerReport> PgTransaction::verify_ledger() {
  LedgerReport report;
  std::unordered_map<MarketId, std::pair<Int128, Int128>> sums;  // stored, recomputed
  MC_TRY_ASSIGN(Statement markets, connection_.prepare("SELECT id FROM markets"));
  while (true) {
    MC_TRY_ASSIGN(bool has_row, markets.step());
    if (!has_row) break;
    sums[markets.column_int64(0)] = {0, 0};
    ++report.markets_checked;
  }
  AccountChecks accounts;
  MC_TRY(load_accounts(connection_, report, accounts));
  MC_TRY(replay_transfers(connection_, report, accounts));
  check_balances(accounts, sums, report);
  MC_TRY(check_holds(connection_, accounts, report));
  MC_TRY(check_hold_totals(connection_, accounts, report));
  return report;
}

}  // namespace mc::store::postgres
