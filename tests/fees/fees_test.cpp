// Tests of marketcore/fees.h: every rounding mode on .5 boundaries, the seeds' policies (j0 /
// AgentMarket floor(90 %), HumanOps tiers and minimum, AACP 2 % + 3 % floors), refusals, and
// the invariant worker + platform + evaluator == escrow over a sweep of amounts.
#include "marketcore/fees.h"

#include <doctest/doctest.h>

#include <limits>

#include "marketcore/engine.h"

namespace {

mc::FeePolicy j0_policy() {
  return {
      .mode = mc::FeeMode::fee_deducted, .platform_fee_bps = 1000, .rounding = mc::Rounding::up};
}

mc::FeePolicy humanops_policy() {
  return mc::builtin_market_config("humanops").value().fees;
}

mc::FeePolicy aacp_policy() {
  return mc::builtin_market_config("aacp").value().fees;
}

mc::FeeQuote quote(const mc::FeePolicy& policy, int64_t amount_minor, int64_t spend_minor = 0) {
  mc::Result<mc::FeeQuote> result = mc::quote_fees(policy, amount_minor, spend_minor);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  return result.value();
}

void check_invariant(const mc::FeeQuote& q) {
  CHECK(q.worker_minor + q.platform_fee_minor + q.evaluator_fee_minor == q.escrow_minor);
  CHECK(q.worker_minor >= 0);
  CHECK(q.platform_fee_minor >= 0);
  CHECK(q.evaluator_fee_minor >= 0);
}

}  // namespace

TEST_CASE("fees: every rounding mode on .5 boundaries") {
  // 5 × 1000 bps = 0.5; 15 × 1000 bps = 1.5; 25 × 1000 bps = 2.5.
  struct Case {
    int64_t amount_minor;
    int64_t down, up, half_up;
  };
  for (const Case& c : {Case{5, 0, 1, 1}, Case{15, 1, 2, 2}, Case{25, 2, 3, 3}, Case{10, 1, 1, 1},
                        Case{14, 1, 2, 1}, Case{16, 1, 2, 2}}) {
    CAPTURE(c.amount_minor);
    mc::FeePolicy policy{.mode = mc::FeeMode::fee_on_top, .platform_fee_bps = 1000};
    policy.rounding = mc::Rounding::down;
    CHECK(quote(policy, c.amount_minor).platform_fee_minor == c.down);
    policy.rounding = mc::Rounding::up;
    CHECK(quote(policy, c.amount_minor).platform_fee_minor == c.up);
    policy.rounding = mc::Rounding::half_up;
    CHECK(quote(policy, c.amount_minor).platform_fee_minor == c.half_up);
  }
}

TEST_CASE("fees: evaluator fee is rounded by the same rule") {
  mc::FeePolicy policy{.mode = mc::FeeMode::fee_deducted, .evaluator_fee_bps = 5000};
  for (mc::Rounding rounding : {mc::Rounding::down, mc::Rounding::up, mc::Rounding::half_up}) {
    policy.rounding = rounding;
    const mc::FeeQuote q = quote(policy, 3);  // 1.5
    CHECK(q.evaluator_fee_minor == (rounding == mc::Rounding::down ? 1 : 2));
    check_invariant(q);
  }
}

TEST_CASE("fees: j0 credits 5..100, worker gets floor(0.9 x credits)") {
  for (int64_t credits = 5; credits <= 100; ++credits) {
    CAPTURE(credits);
    const mc::FeeQuote q = quote(j0_policy(), credits);
    CHECK(q.worker_minor == credits * 9 / 10);
    CHECK(q.platform_fee_minor == credits - credits * 9 / 10);
    CHECK(q.escrow_minor == credits);
    CHECK(q.platform_fee_bps == 1000);
    check_invariant(q);
  }
  CHECK(quote(j0_policy(), 5).worker_minor == 4);
  CHECK(quote(j0_policy(), 10).worker_minor == 9);
  CHECK(quote(j0_policy(), 99).worker_minor == 89);
}

TEST_CASE("fees: AgentMarket uses the j0 split (the seed's 25 -> worker 22)") {
  const mc::FeePolicy policy = mc::builtin_market_config("agentmarket").value().fees;
  CHECK(quote(policy, 25).worker_minor == 22);
  CHECK(quote(policy, 25).platform_fee_minor == 3);
  CHECK(quote(policy, 15).worker_minor == 13);
}

TEST_CASE("fees: HumanOps seed example, minimum fee and fee on top") {
  const mc::FeeQuote q = quote(humanops_policy(), 2500);  // $25 reward
  CHECK(q.platform_fee_minor == 450);                     // 18 %
  CHECK(q.escrow_minor == 2950);
  CHECK(q.worker_minor == 2500);
  check_invariant(q);
  // 18 % of $11.11 = 199.98 cents → the $2.00 minimum applies.
  CHECK(quote(humanops_policy(), 1111).platform_fee_minor == 200);
  CHECK(quote(humanops_policy(), 1000).platform_fee_minor == 200);
  // 18 % of $11.12 = 200.16 → 200; of $11.14 = 200.52 → 201 (half-up).
  CHECK(quote(humanops_policy(), 1112).platform_fee_minor == 200);
  CHECK(quote(humanops_policy(), 1114).platform_fee_minor == 201);
  // 18 % of $11.25 = 202.5 → 203 (a tie rounds up).
  CHECK(quote(humanops_policy(), 1125).platform_fee_minor == 203);
}

TEST_CASE("fees: HumanOps tier boundaries at $5,000 and $25,000 and one cent either side") {
  const int64_t reward_minor = 100'000;  // $1,000
  struct Case {
    int64_t spend_minor;
    int32_t fee_bps;
  };
  for (const Case& c : {Case{0, 1800}, Case{499'999, 1800}, Case{500'000, 1500},
                        Case{500'001, 1500}, Case{2'499'999, 1500}, Case{2'500'000, 1500},
                        Case{2'500'001, 1200}, Case{100'000'000, 1200}}) {
    CAPTURE(c.spend_minor);
    const mc::FeeQuote q = quote(humanops_policy(), reward_minor, c.spend_minor);
    CHECK(q.platform_fee_bps == c.fee_bps);
    CHECK(q.platform_fee_minor == reward_minor * c.fee_bps / 10'000);
    check_invariant(q);
  }
}

TEST_CASE("fees: tier_boundary_inclusive=false keeps a boundary spend in the tier below") {
  mc::FeePolicy policy{.mode = mc::FeeMode::fee_on_top,
                       .tiers = {{0, 1800}, {500'000, 1500}},
                       .tier_boundary_inclusive = false};
  CHECK(quote(policy, 10'000, 500'000).platform_fee_bps == 1800);
  CHECK(quote(policy, 10'000, 500'001).platform_fee_bps == 1500);
  policy.tier_boundary_inclusive = true;
  CHECK(quote(policy, 10'000, 500'000).platform_fee_bps == 1500);
}

TEST_CASE("fees: AACP 2 % platform + 3 % evaluator floors, remainder to the provider") {
  const mc::FeeQuote q = quote(aacp_policy(), 100'000'000);  // 100 USDC
  CHECK(q.platform_fee_minor == 2'000'000);
  CHECK(q.evaluator_fee_minor == 3'000'000);
  CHECK(q.worker_minor == 95'000'000);
  CHECK(q.escrow_minor == 100'000'000);
  // 99 raw units: 1.98 → 1, 2.97 → 2, provider gets 96 (the remainder).
  const mc::FeeQuote odd = quote(aacp_policy(), 99);
  CHECK(odd.platform_fee_minor == 1);
  CHECK(odd.evaluator_fee_minor == 2);
  CHECK(odd.worker_minor == 96);
  const mc::FeeQuote tiny = quote(aacp_policy(), 19);  // 0.38 and 0.57 both floor to 0
  CHECK(tiny.platform_fee_minor == 0);
  CHECK(tiny.evaluator_fee_minor == 0);
  CHECK(tiny.worker_minor == 19);
}

TEST_CASE("fees: refusals") {
  for (int64_t amount : {int64_t{0}, int64_t{-1}, std::numeric_limits<int64_t>::min()}) {
    const mc::Status status = mc::quote_fees(j0_policy(), amount, 0).status();
    CHECK(status.code() == mc::Code::invalid_argument);
    CHECK(status.detail() == "amount_not_positive");
  }
  const int64_t max = std::numeric_limits<int64_t>::max();
  // Fee on top of the largest amount overflows the escrow.
  mc::Status overflow = mc::quote_fees(humanops_policy(), max, 0).status();
  CHECK(overflow.code() == mc::Code::out_of_range);
  // A rate above 100 % overflows the fee itself for a huge amount.
  mc::FeePolicy steep{.mode = mc::FeeMode::fee_on_top, .platform_fee_bps = 20'000};
  CHECK(mc::quote_fees(steep, max, 0).status().code() == mc::Code::out_of_range);
  // Deducted fees larger than the amount.
  mc::FeePolicy minimum{.mode = mc::FeeMode::fee_deducted, .platform_fee_min_minor = 10};
  const mc::Status exceed = mc::quote_fees(minimum, 5, 0).status();
  CHECK(exceed.code() == mc::Code::failed_precondition);
  CHECK(exceed.detail() == "fees_exceed_amount");
  CHECK(quote(minimum, 10).worker_minor == 0);
  mc::FeePolicy negative{.platform_fee_bps = -1};
  CHECK(mc::quote_fees(negative, 5, 0).status().detail() == "fee_bps_negative");
  mc::FeePolicy unordered{.tiers = {{100, 10}, {100, 20}}};
  CHECK(mc::quote_fees(unordered, 5, 0).status().detail() == "tiers_not_ascending");
  CHECK(mc::quote_fees(j0_policy(), 5, -1).status().detail() == "spend_negative");
}

TEST_CASE("fees: worker + platform + evaluator == escrow over a sweep") {
  const mc::FeePolicy policies[] = {j0_policy(), humanops_policy(), aacp_policy(),
                                    mc::builtin_market_config("1337mkt").value().fees};
  for (const mc::FeePolicy& policy : policies) {
    for (int64_t amount = 1; amount < 5'000'000'000'000; amount = amount * 7 / 3 + 1) {
      for (int64_t spend : {int64_t{0}, int64_t{500'000}, int64_t{3'000'000}}) {
        mc::Result<mc::FeeQuote> result = mc::quote_fees(policy, amount, spend);
        if (!result.ok()) {
          CHECK(result.status().detail() == "fees_exceed_amount");
          continue;
        }
        CHECK(result->amount_minor == amount);
        check_invariant(result.value());
      }
    }
  }
}

TEST_CASE("fees: each malformed policy field is refused by name, and an unknown mode") {
  mc::FeePolicy evaluator_negative = j0_policy();
  evaluator_negative.evaluator_fee_bps = -1;
  CHECK(mc::quote_fees(evaluator_negative, 100, 0).status().detail() == "fee_bps_negative");
  mc::FeePolicy minimum_negative = j0_policy();
  minimum_negative.platform_fee_min_minor = -1;
  const mc::Status minimum = mc::quote_fees(minimum_negative, 100, 0).status();
  CHECK(minimum.detail() == "fee_min_negative");
  CHECK(minimum.param() == "platform_fee_min_minor");
  mc::FeePolicy tier_negative = humanops_policy();
  REQUIRE_FALSE(tier_negative.tiers.empty());
  tier_negative.tiers.back().fee_bps = -5;
  const mc::Status tier = mc::quote_fees(tier_negative, 100, 0).status();
  CHECK(tier.detail() == "fee_bps_negative");
  CHECK(tier.param() == "tiers");
  // FeeMode has a fixed underlying type, so any int32 is a value of it; one the quote does not
  // know is refused rather than treated as either mode.
  mc::FeePolicy unknown_mode = j0_policy();
  unknown_mode.mode = static_cast<mc::FeeMode>(7);
  const mc::Status mode = mc::quote_fees(unknown_mode, 100, 0).status();
  CHECK(mode.code() == mc::Code::invalid_argument);
  CHECK(mode.detail() == "fee_mode_unknown");
}

TEST_CASE("fees: every step that could overflow is refused as out_of_range, never wrapped") {
  const int64_t max = std::numeric_limits<int64_t>::max();
  auto overflows = [](const mc::FeePolicy& policy, int64_t amount_minor) {
    const mc::Status status = mc::quote_fees(policy, amount_minor, 0).status();
    CHECK(status.code() == mc::Code::out_of_range);
    CHECK(status.detail() == "amount_overflow");
  };
  mc::FeePolicy policy = j0_policy();
  policy.platform_fee_bps = 20'000;  // the platform fee alone: 2 × amount
  overflows(policy, max);
  policy.platform_fee_bps = 0;
  policy.evaluator_fee_bps = 20'000;  // the evaluator fee alone
  overflows(policy, max);
  policy.platform_fee_bps = 10'000;  // each fits; their sum does not
  policy.evaluator_fee_bps = 10'000;
  overflows(policy, max);
  policy = {.mode = mc::FeeMode::fee_on_top, .platform_fee_bps = 1, .rounding = mc::Rounding::up};
  overflows(policy, max);  // amount + fees on top
}
