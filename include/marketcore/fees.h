// marketcore/fees.h — fee policies and the exact split of a job's amount.
//
// A market's FeePolicy turns a job amount into a FeeQuote at creation; the quote is locked on
// the job and the settlement pays exactly it, whatever the policy says later. Fees are basis
// points (1 bps = 0.01 %) of the amount, rounded by the policy's explicit rule, with an
// optional minimum; the platform rate may depend on tiers of the poster's trailing spend.
//
// Two shapes exist in the seeds:
//   - fee_on_top: the poster pays amount + fees (HumanOps: reward $25 + 18 % fee → $29.50
//     escrowed; the worker gets the whole reward);
//   - fee_deducted: the fees come out of the amount (j0 / AgentMarket: the worker gets
//     floor(90 %), the platform the rest; AACP: 2 % platform + 3 % evaluator, each floored,
//     the remainder to the provider).
//
// Thread-safety: pure functions over values.
//
// Example (j0):
//   mc::FeePolicy policy{.mode = mc::FeeMode::fee_deducted, .platform_fee_bps = 1000,
//                        .rounding = mc::Rounding::up};
//   mc::FeeQuote quote = mc::quote_fees(policy, 5, 0).value();
//   // quote.worker_minor == 4 (floor 4.5), quote.platform_fee_minor == 1
#pragma once

#include <cstdint>
#include <vector>

#include "marketcore/money.h"
#include "marketcore/status.h"

namespace mc {

enum class FeeMode : int32_t {
  fee_on_top = 0,    // escrow = amount + fees; worker gets amount
  fee_deducted = 1,  // escrow = amount; worker gets amount − fees
};

// Platform rate that applies once the poster's trailing spend reaches `spend_from_minor`.
struct FeeTier {
  int64_t spend_from_minor = 0;
  int32_t fee_bps = 0;
};

struct FeePolicy {
  FeeMode mode = FeeMode::fee_deducted;
  // Platform rate when `tiers` is empty.
  int32_t platform_fee_bps = 0;
  // Tiers by trailing spend, ascending `spend_from_minor`; the last one reached applies.
  // A spend exactly at a boundary takes the higher tier's rate only if the boundary's
  // inclusion flag says so (see `tier_boundary_inclusive`).
  std::vector<FeeTier> tiers;
  // When true a spend equal to a tier's `spend_from_minor` is in that tier; when false it is
  // still in the tier below (HumanOps: "$5K–$25K → 15 %", "> $25K → 12 %").
  bool tier_boundary_inclusive = true;
  // Window of the trailing spend that selects the tier (HumanOps: 30 days).
  int64_t trailing_window_ms = 0;
  // Minimum platform fee per job, in minor units (HumanOps: 200 cents).
  int64_t platform_fee_min_minor = 0;
  // Evaluator fee, basis points of the amount (AACP: 300).
  int32_t evaluator_fee_bps = 0;
  // Rounding of each bps computation.
  Rounding rounding = Rounding::down;
};

// The locked split of one job's money.
struct FeeQuote {
  int64_t amount_minor = 0;      // the job's stated amount (reward / budget / credits)
  int32_t platform_fee_bps = 0;  // rate that applied (after tiers)
  int64_t platform_fee_minor = 0;
  int64_t evaluator_fee_minor = 0;
  int64_t worker_minor = 0;  // what the worker receives on success
  int64_t escrow_minor = 0;  // what is held from the poster at funding
};

// Computes the split of `amount_minor` for a poster whose trailing spend is
// `trailing_spend_minor`. Invariant: worker + platform + evaluator == escrow.
// Returns invalid_argument/"amount_not_positive" for amount ≤ 0, out_of_range on overflow,
// failed_precondition/"fees_exceed_amount" when deducted fees would exceed the amount.
Result<FeeQuote> quote_fees(const FeePolicy& policy, int64_t amount_minor,
                            int64_t trailing_spend_minor);

}  // namespace mc
