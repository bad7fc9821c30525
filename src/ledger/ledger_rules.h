// Ledger rules that are properties of the ledger itself, independent of any storage: which
// account kinds may go negative, which belong to a party, and the arithmetic of resolving a
// hold into postings plus a remainder. The SQLite store enforces them under every caller;
// another backend must apply the same ones.
//
// Thread-safety: pure functions.
//
// Example:
//   if (!mc::ledger::may_go_negative(AccountKind::available) && balance_minor < amount_minor)
//     return insufficient_funds(...);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "marketcore/ledger.h"
#include "marketcore/status.h"

namespace mc::ledger {

// True only for `world`, the market's counterpart of deposits and withdrawals.
bool may_go_negative(AccountKind kind);

// True for kinds owned by a party (available, promo, pending, stake).
bool is_party_kind(AccountKind kind);

// Converts a stored kind number; nullopt for a number this build does not know.
std::optional<AccountKind> account_kind_from_int(int64_t value);

// Checks the postings of a hold being posted against the hold account's current balance and
// returns what is left over for the source. Returns invalid_argument/"amount_not_positive"
// for a posting ≤ 0, invalid_argument/"postings_exceed_hold" when they sum above
// `held_minor`, out_of_range/"amount_overflow" if their sum overflows.
Result<int64_t> hold_remainder(int64_t held_minor, const std::vector<Posting>& postings);

}  // namespace mc::ledger
