// marketcore/ledger.h — the double-entry ledger's vocabulary: accounts, transfers, holds.
//
// Every movement of money is a Transfer of a positive amount between two accounts of the same
// market, so the sum of all balances of a market is always zero: the market's `world` account
// is the counterpart of deposits and withdrawals and is the only one that goes negative.
// Multi-leg moves (reward + platform fee + evaluator fee) commit together or not at all.
//
// A Hold reserves money for a purpose: job escrow, a settlement period, a stake lock. Creating
// it moves the amount from its source account into the hold's own account; it is then resolved
// exactly once — posted (all or part, to one or several recipients; any remainder goes back
// to the source) or voided (all back to the source). A hold may carry a due time at which it
// resolves by itself (a 7-day settlement hold posts to the worker's available balance).
//
// Accounts are addressed by (market, kind, owner): a party's `available` balance, a job's
// hold account, the market's `platform` revenue. Account kinds that belong to a party may
// forbid going negative (all of them do by default); `world` never does.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mc {

using MarketId = int64_t;
using PartyId = int64_t;
using JobId = int64_t;
using AccountId = int64_t;
using TransferId = int64_t;
using HoldId = int64_t;

// What an account is for. Numbers are stored: never renumber.
enum class AccountKind : int32_t {
  world = 0,      // market: counterpart of deposits and withdrawals (may go negative)
  platform = 1,   // market: platform fee revenue
  available = 2,  // party: spendable (and, for cash, withdrawable) balance
  promo = 3,      // party: promotional credit, spent before `available`, never withdrawable
  pending = 4,    // party: earnings inside a settlement period, not yet withdrawable
  stake = 5,      // party: staking pool (available stake; locked stake sits in holds)
  hold = 6,       // hold: the money a Hold reserves (owner = hold id)
  evaluator = 7,  // market: evaluator fees awaiting the evaluator's claim (if not paid direct)
};

// Stable lower-case name of an account kind ("available").
const char* account_kind_name(AccountKind kind);

// Names one ledger account. `owner_id` is the party id, hold id, or 0 for market accounts.
struct AccountRef {
  MarketId market_id = 0;
  AccountKind kind = AccountKind::world;
  int64_t owner_id = 0;

  friend bool operator==(const AccountRef&, const AccountRef&) = default;
};

struct Account {
  AccountId id = 0;
  AccountRef ref;
  int64_t balance_minor = 0;
  bool allow_negative = false;
};

// One recorded movement. `amount_minor` > 0 always; money flows debit → credit.
struct Transfer {
  TransferId id = 0;
  MarketId market_id = 0;
  AccountId debit_account_id = 0;   // money leaves this account
  AccountId credit_account_id = 0;  // money enters this account
  int64_t amount_minor = 0;
  // Why the money moved: "deposit", "job_post", "job_earn", "job_refund", "platform_fee",
  // "evaluator_fee", "stake_lock", "stake_release", "stake_slash", "settlement_release",
  // "withdrawal", ... Dialects render these as their own transaction types.
  std::string reason;
  std::optional<JobId> job_id;
  std::optional<HoldId> hold_id;
  // External reference (chain tx hash, payment event id) this transfer was credited for.
  std::optional<std::string> external_ref;
  int64_t created_at_ms = 0;
};

// Purpose of a hold. Numbers are stored: never renumber.
enum class HoldPurpose : int32_t {
  escrow = 0,      // a job's reward (and fees) held from the poster
  settlement = 1,  // earnings held for a settlement period before release to `available`
  stake = 2,       // a party's stake locked for a job (release = void, slash = post)
  dispute = 3,     // a dispute deposit
};

enum class HoldState : int32_t {
  held = 0,
  posted = 1,  // resolved by paying out (all or part; the rest returned to the source)
  voided = 2,  // resolved by returning everything to the source
};

struct Hold {
  HoldId id = 0;
  MarketId market_id = 0;
  HoldPurpose purpose = HoldPurpose::escrow;
  HoldState state = HoldState::held;
  std::optional<JobId> job_id;
  std::optional<PartyId> party_id;  // whose money (poster for escrow, staker for stake)
  AccountId source_account_id = 0;  // where the money came from and returns to on void
  AccountId hold_account_id = 0;    // the account that holds it meanwhile
  int64_t amount_minor = 0;
  // A hold with a due time resolves by itself at due_at_ms: posted in full to
  // `release_to_account_id` when set, voided otherwise.
  std::optional<int64_t> due_at_ms;
  std::optional<AccountId> release_to_account_id;
  int64_t created_at_ms = 0;
  std::optional<int64_t> resolved_at_ms;
};

// One recipient of a hold's payout.
struct Posting {
  AccountRef to;
  int64_t amount_minor = 0;
  std::string reason;  // e.g. "job_earn", "platform_fee"
};

// A party's balances in one market.
struct Balances {
  int64_t available_minor = 0;
  int64_t promo_minor = 0;
  int64_t pending_minor = 0;
  int64_t stake_minor = 0;         // unlocked stake
  int64_t stake_locked_minor = 0;  // stake in held stake holds
  int64_t escrow_minor = 0;        // held escrow this party posted (as poster)
};

// Outcome of Engine::verify_ledger(): every balance recomputed from transfers.
struct LedgerReport {
  int64_t markets_checked = 0;
  int64_t accounts_checked = 0;
  int64_t transfers_checked = 0;
  // Empty when the ledger is consistent; otherwise one line per discrepancy.
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

}  // namespace mc
