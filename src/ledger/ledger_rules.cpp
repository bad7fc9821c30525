// Implements ledger_rules.h and the account kind names of marketcore/ledger.h.
#include "ledger/ledger_rules.h"

#include <string>

#include "marketcore/money.h"

namespace mc {

const char* account_kind_name(AccountKind kind) {
  switch (kind) {
    case AccountKind::world:
      return "world";
    case AccountKind::platform:
      return "platform";
    case AccountKind::available:
      return "available";
    case AccountKind::promo:
      return "promo";
    case AccountKind::pending:
      return "pending";
    case AccountKind::stake:
      return "stake";
    case AccountKind::hold:
      return "hold";
    case AccountKind::evaluator:
      return "evaluator";
  }
  return "unknown";
}

namespace ledger {

bool may_go_negative(AccountKind kind) {
  return kind == AccountKind::world;
}

bool is_party_kind(AccountKind kind) {
  return kind == AccountKind::available || kind == AccountKind::promo ||
         kind == AccountKind::pending || kind == AccountKind::stake;
}

std::optional<AccountKind> account_kind_from_int(int64_t value) {
  if (value < static_cast<int64_t>(AccountKind::world) ||
      value > static_cast<int64_t>(AccountKind::evaluator)) {
    return std::nullopt;
  }
  return static_cast<AccountKind>(value);
}

Result<int64_t> hold_remainder(int64_t held_minor, const std::vector<Posting>& postings) {
  int64_t posted_minor = 0;
  for (const Posting& posting : postings) {
    if (posting.amount_minor <= 0) {
      return invalid_argument("amount_not_positive", "every posting must be positive",
                              "amount_minor");
    }
    MC_TRY_ASSIGN(posted_minor, checked_add(posted_minor, posting.amount_minor));
  }
  if (posted_minor > held_minor) {
    return invalid_argument("postings_exceed_hold",
                            "postings total " + std::to_string(posted_minor) +
                                " but the hold has " + std::to_string(held_minor));
  }
  return held_minor - posted_minor;
}

}  // namespace ledger
}  // namespace mc
