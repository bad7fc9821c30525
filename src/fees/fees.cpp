// Implements quote_fees (marketcore/fees.h): the exact split of a job's amount.
//
// Order of work: refuse bad input (amount ≤ 0, negative rates or spend); pick the platform
// rate from the tiers by trailing spend; platform fee = amount × rate / 10 000 rounded by the
// policy, raised to the minimum fee; evaluator fee = amount × evaluator rate / 10 000 rounded
// the same way; then
//   fee_on_top:   worker = amount, escrow = amount + platform + evaluator;
//   fee_deducted: escrow = amount, worker = amount − platform − evaluator (refused when the
//                 fees exceed the amount).
// Every step is checked arithmetic: an overflow is out_of_range, never a wrap.
#include "marketcore/fees.h"

#include <string>

#include "common/planted.h"

namespace mc {
namespace {

constexpr int64_t kBasisPointsPerUnit = 10'000;

Status check_policy(const FeePolicy& policy) {
  if (policy.platform_fee_bps < 0 || policy.evaluator_fee_bps < 0) {
    return invalid_argument("fee_bps_negative", "fee rates must not be negative", "fee_bps");
  }
  if (policy.platform_fee_min_minor < 0) {
    return invalid_argument("fee_min_negative", "the minimum fee must not be negative",
                            "platform_fee_min_minor");
  }
  int64_t previous_from_minor = 0;
  for (size_t i = 0; i < policy.tiers.size(); ++i) {
    const FeeTier& tier = policy.tiers[i];
    if (tier.fee_bps < 0) {
      return invalid_argument("fee_bps_negative", "tier fee rates must not be negative", "tiers");
    }
    if (i > 0 && tier.spend_from_minor <= previous_from_minor) {
      return invalid_argument("tiers_not_ascending",
                              "tiers must be in strictly ascending spend_from_minor", "tiers");
    }
    previous_from_minor = tier.spend_from_minor;
  }
  return ok_status();
}

// The platform rate for a poster whose trailing spend is `spend_minor`.
int32_t platform_rate_bps(const FeePolicy& policy, int64_t spend_minor) {
  int32_t rate_bps = policy.platform_fee_bps;
  for (const FeeTier& tier : policy.tiers) {
    const bool reached = policy.tier_boundary_inclusive ? spend_minor >= tier.spend_from_minor
                                                        : spend_minor > tier.spend_from_minor;
    if (!reached) break;
    rate_bps = tier.fee_bps;
  }
  return rate_bps;
}

}  // namespace

Result<FeeQuote> quote_fees(const FeePolicy& policy, int64_t amount_minor,
                            int64_t trailing_spend_minor) {
  if (amount_minor <= 0) {
    return invalid_argument("amount_not_positive",
                            "the amount must be positive, got " + std::to_string(amount_minor),
                            "amount_minor");
  }
  if (trailing_spend_minor < 0) {
    return invalid_argument("spend_negative", "the trailing spend must not be negative",
                            "trailing_spend_minor");
  }
  MC_TRY(check_policy(policy));

  FeeQuote quote;
  quote.amount_minor = amount_minor;
  quote.platform_fee_bps = platform_rate_bps(policy, trailing_spend_minor);
#if MC_PLANTED_FEE_ROUNDED_OTHER_WAY
  const Rounding rounding = policy.rounding == Rounding::down ? Rounding::up : Rounding::down;
#else
  const Rounding rounding = policy.rounding;
#endif
  MC_TRY_ASSIGN(int64_t platform_minor,
                mul_div(amount_minor, quote.platform_fee_bps, kBasisPointsPerUnit, rounding));
  quote.platform_fee_minor = platform_minor < policy.platform_fee_min_minor
                                 ? policy.platform_fee_min_minor
                                 : platform_minor;
  MC_TRY_ASSIGN(quote.evaluator_fee_minor,
                mul_div(amount_minor, policy.evaluator_fee_bps, kBasisPointsPerUnit, rounding));
  MC_TRY_ASSIGN(int64_t fees_minor,
                checked_add(quote.platform_fee_minor, quote.evaluator_fee_minor));

  switch (policy.mode) {
    case FeeMode::fee_on_top: {
      quote.worker_minor = amount_minor;
      MC_TRY_ASSIGN(quote.escrow_minor, checked_add(amount_minor, fees_minor));
      return quote;
    }
    case FeeMode::fee_deducted: {
      if (fees_minor > amount_minor) {
        return failed_precondition("fees_exceed_amount", "fees of " + std::to_string(fees_minor) +
                                                             " exceed the amount " +
                                                             std::to_string(amount_minor));
      }
      quote.worker_minor = amount_minor - fees_minor;
      quote.escrow_minor = amount_minor;
      return quote;
    }
  }
  return invalid_argument("fee_mode_unknown", "unknown fee mode", "mode");
}

}  // namespace mc
