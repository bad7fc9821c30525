// j0 transaction history: ledger transfers touching a user's cash or promo account, rendered
// with the seed's five types. The ledger reason decides the type and the sign from the user's
// side: purchases, earnings and refunds credit the user; job posts and withdrawals debit.
// Transfers j0 does not show (none touch a user today) are skipped.
#include <algorithm>
#include <string>

#include "marketcore/j0.h"
#include "marketcore/money.h"
#include "marketcore/payments.h"

namespace mc::j0 {
namespace {

bool is_debit(std::string_view type) {
  return type == "job_post" || type == "withdrawal";
}

std::string provider_label(std::string_view provider) {
  if (provider == "stripe") return "Stripe";
  if (provider == "test") return "test checkout";
  return std::string(provider);
}

std::string describe(const Transfer& transfer, std::string_view type) {
  const std::string job = transfer.job_id ? " #" + std::to_string(*transfer.job_id) : "";
  if (type == "job_post") return "Posted job" + job;
  if (type == "job_earn") return "Completed job" + job;
  if (type == "job_refund") return "Refunded job" + job;
  if (type == "withdrawal") return "Withdrew credits";
  if (auto purchase = payments::parse_purchase_reason(transfer.reason)) {
    return "Purchased via " + provider_label(purchase->provider) + " ($" +
           format_decimal(purchase->amount_cents, 2) + ")";
  }
  return "Credits added";
}

}  // namespace

std::string transaction_type(std::string_view transfer_reason) {
  if (transfer_reason == "job_post" || transfer_reason == "job_earn" ||
      transfer_reason == "job_refund" || transfer_reason == "withdrawal") {
    return std::string(transfer_reason);
  }
  if (transfer_reason == "deposit" || payments::parse_purchase_reason(transfer_reason)) {
    return "purchase";
  }
  return "";
}

Result<std::vector<CreditTransaction>> J0Market::transactions(PartyId user, int32_t limit) const {
  MC_TRY_ASSIGN(std::vector<Transfer> transfers,
                engine().transfers(market_id(), user, std::nullopt, binding_.clamp_limit(limit)));
  std::vector<CreditTransaction> out;
  out.reserve(transfers.size());
  for (const Transfer& transfer : transfers) {
    const std::string type = transaction_type(transfer.reason);
    if (type.empty()) continue;
    out.push_back({.id = transfer.id,
                   .user_id = user,
                   .amount_cents = is_debit(type) ? -transfer.amount_minor : transfer.amount_minor,
                   .type = type,
                   .description = describe(transfer, type),
                   .created_at_ms = transfer.created_at_ms});
  }
  return out;
}

}  // namespace mc::j0
