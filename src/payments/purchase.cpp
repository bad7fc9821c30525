// Crediting a completed purchase once per external reference (see marketcore/payments.h).
// The processing fee is rounded up, so the cash credited is rounded down: the buyer is never
// credited more than was paid less the fee.
#include <charconv>
#include <string>

#include "marketcore/money.h"
#include "marketcore/payments.h"

namespace mc::payments {

Result<int64_t> cash_after_fee(int64_t amount_cents, int64_t fee_bps) {
  if (fee_bps < 0 || fee_bps > 10'000) {
    return invalid_argument("bad_fee_bps", "the processing fee must be 0–10000 bps", "fee_bps");
  }
  if (amount_cents <= 0) {
    return invalid_argument("amount_not_positive", "the amount paid must be positive", "amount");
  }
  return mul_div(amount_cents, 10'000 - fee_bps, 10'000, Rounding::down);
}

Result<PurchaseCredit> credit_purchase(Engine& engine, const Purchase& purchase) {
  MC_TRY_ASSIGN(int64_t cash_cents, cash_after_fee(purchase.amount_cents, purchase.fee_bps));
  if (cash_cents == 0) {
    return invalid_argument("amount_too_small", "the amount paid is too small to credit", "amount");
  }
  Deposit deposit{
      .market_id = purchase.market_id,
      .party_id = purchase.party_id,
      .amount_minor = cash_cents,
      .into = AccountKind::available,
      .reason = "purchase:" + purchase.provider + ":" + std::to_string(purchase.amount_cents),
      .external_ref = purchase.external_ref};
  MC_TRY_ASSIGN(MoneyMovement movement, engine.deposit(deposit));
  return PurchaseCredit{.cash_credited_cents = cash_cents, .movement = movement};
}

std::optional<PurchaseReason> parse_purchase_reason(std::string_view reason) {
  constexpr std::string_view kPrefix = "purchase:";
  if (reason.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  reason.remove_prefix(kPrefix.size());
  const size_t colon = reason.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  PurchaseReason parsed;
  parsed.provider = std::string(reason.substr(0, colon));
  const std::string_view digits = reason.substr(colon + 1);
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), parsed.amount_cents);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return parsed;
}

}  // namespace mc::payments
