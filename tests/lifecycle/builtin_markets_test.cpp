// Tests of builtin_market_config (marketcore/engine.h): each built-in dialect's asset,
// lifecycle, fees, limits and settlement hold, and the refusal of unknown names.
#include <doctest/doctest.h>

#include <string>

#include "marketcore/clock.h"
#include "marketcore/engine.h"

namespace {

mc::MarketConfig config(std::string_view name) {
  mc::Result<mc::MarketConfig> result = mc::builtin_market_config(name);
  REQUIRE_MESSAGE(result.ok(), result.status().to_string());
  return result.value();
}

bool lifecycle_exists(const std::string& name) {
  for (const mc::LifecycleDefinition* def : mc::builtin_lifecycles()) {
    if (def->name == name) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("markets: every built-in names an existing lifecycle and its own name") {
  for (const char* name : {"j0", "agentmarket", "humanops", "aacp", "1337mkt"}) {
    CAPTURE(name);
    const mc::MarketConfig market = config(name);
    CHECK(market.name == name);
    CHECK(lifecycle_exists(market.lifecycle));
    CHECK(market.config_json.front() == '{');
  }
  const mc::Status unknown = mc::builtin_market_config("ebay").status();
  CHECK(unknown.code() == mc::Code::not_found);
  CHECK(unknown.detail() == "unknown_builtin_market");
}

TEST_CASE("markets: j0") {
  const mc::MarketConfig j0 = config("j0");
  CHECK(j0.asset.code == "credits");
  CHECK(j0.asset.scale == 0);
  CHECK(j0.fees.mode == mc::FeeMode::fee_deducted);
  CHECK(j0.fees.platform_fee_bps == 1000);
  CHECK(j0.fees.rounding == mc::Rounding::up);
  CHECK(j0.limits.amount_min_minor == 5);
  CHECK(j0.limits.amount_max_minor == 100);
  CHECK(j0.limits.prompt_chars_max == 10'240);
  CHECK(j0.limits.categories.size() == 5);
  CHECK(j0.limits.work_timeout_min_ms == 10'000);
  CHECK(j0.limits.work_timeout_max_ms == 60'000);
  CHECK(j0.settlement_hold_ms == 0);
}

TEST_CASE("markets: agentmarket, humanops, aacp, 1337mkt") {
  const mc::MarketConfig agentmarket = config("agentmarket");
  CHECK(agentmarket.asset.scale == 0);
  CHECK(agentmarket.fees.platform_fee_bps == 1000);

  const mc::MarketConfig humanops = config("humanops");
  CHECK(humanops.asset.code == "USD");
  CHECK(humanops.asset.scale == 2);
  CHECK(humanops.fees.mode == mc::FeeMode::fee_on_top);
  CHECK(humanops.fees.platform_fee_min_minor == 200);
  CHECK(humanops.fees.rounding == mc::Rounding::half_up);
  CHECK(humanops.fees.trailing_window_ms == 30 * mc::kMillisecondsPerDay);
  CHECK(humanops.limits.amount_min_minor == 1'000);
  CHECK(humanops.limits.amount_max_minor == 1'000'000);
  CHECK(humanops.limits.categories.size() == 13);
  CHECK(humanops.settlement_hold_ms == 7 * mc::kMillisecondsPerDay);

  const mc::MarketConfig aacp = config("aacp");
  CHECK(aacp.asset.code == "USDC");
  CHECK(aacp.asset.scale == 6);
  CHECK(aacp.fees.platform_fee_bps == 200);
  CHECK(aacp.fees.evaluator_fee_bps == 300);
  CHECK(aacp.fees.rounding == mc::Rounding::down);
  CHECK(aacp.config_json.find("\"judge_reputation_min\":70") != std::string::npos);

  const mc::MarketConfig mkt = config("1337mkt");
  CHECK(mkt.asset.scale == 6);
  CHECK(mkt.lifecycle == "mkt1337_lead");
  CHECK(mkt.limits.categories.size() == 6);
  CHECK(mkt.limits.contracts_max > 1);
  CHECK(mkt.config_json.find("\"contract_lifecycle\":\"mkt1337_contract\"") != std::string::npos);
}
