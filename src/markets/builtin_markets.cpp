// Implements builtin_market_config (marketcore/engine.h): the MarketConfig of each built-in
// dialect — asset, lifecycle, fee policy, limits, settlement hold — as the seeds and
// dialects.md fix them. `config_json` carries the dialect knobs the engine and the dialects
// read (expiry minutes, verifier thresholds, stake rates, judge minimums, tier tables).
// docs/lifecycles.md records every decision taken where a seed is silent.
//
// Arithmetic bounds (MarketConfig::movement_max_minor, balance_max_minor): every market keeps
// each party account at most 10^12 minor units, so even 9.2 million accounts at their largest
// balance sum to less than 2^63. The largest single movement is sized per asset, far above
// anything the seeds move and small enough that the market's world account needs at least
// 9.2 × 10^6 deposits of that size to approach the int64 edge:
//   credits (scale 0): 10^9 credits per movement (j0 jobs are at most 100 credits)
//   USD (scale 2):     10^10 = $100,000,000.00 (HumanOps deposits are at most $10,000.00)
//   USDC (scale 6):    10^12 = 1,000,000 USDC (1337MKT Silver budgets are 5,000 USDC)
// Identity: wallets (j0, 1337MKT), agent ids (AACP) and operator emails (HumanOps) name one
// party each; an AgentMarket owner email may own many agents, so it is not unique there.
#include <string>

#include "marketcore/clock.h"
#include "marketcore/engine.h"

namespace mc {
namespace {

constexpr int64_t kBalanceMaxMinor = 1'000'000'000'000;

void bound_arithmetic(MarketConfig& config, int64_t movement_max_minor) {
  config.movement_max_minor = movement_max_minor;
  config.balance_max_minor = kBalanceMaxMinor;
}

MarketConfig j0_market() {
  MarketConfig config;
  config.name = "j0";
  config.asset = {"credits", 0};
  config.lifecycle = "j0";
  // The worker earns floor(credits × 0.9): the fee is rounded up.
  config.fees = {.mode = FeeMode::fee_deducted, .platform_fee_bps = 1000, .rounding = Rounding::up};
  config.limits.amount_min_minor = 5;
  config.limits.amount_max_minor = 100;
  config.limits.prompt_chars_max = 10'240;
  config.limits.categories = {"opus", "sonnet", "gpt4", "gpt4-turbo", "dall-e-3"};
  config.limits.work_timeout_min_ms = 10 * kMillisecondsPerSecond;
  config.limits.work_timeout_max_ms = 60 * kMillisecondsPerSecond;
  config.config_json = R"({"expiry_minutes":7,"prompt_preview_chars":100,"list_limit_default":50,)"
                       R"("list_limit_max":100,"purchase_fee_bps":500})";
  bound_arithmetic(config, 1'000'000'000);
  config.unique_wallet = true;
  return config;
}

MarketConfig agentmarket_market() {
  MarketConfig config;
  config.name = "agentmarket";
  config.asset = {"credits", 0};
  config.lifecycle = "agentmarket";
  config.fees = {.mode = FeeMode::fee_deducted, .platform_fee_bps = 1000, .rounding = Rounding::up};
  config.limits.amount_min_minor = 1;
  config.config_json =
      R"({"signup_credits":100,"open_expiry_days":30,"assigned_timeout_hours":24,)"
      R"("execute_timeout_ms":30000,"list_limit_default":20,"list_limit_max":100})";
  bound_arithmetic(config, 1'000'000'000);
  config.unique_email = false;  // an owner runs many agents under one address
  return config;
}

MarketConfig humanops_market() {
  MarketConfig config;
  config.name = "humanops";
  config.asset = {"USD", 2};
  config.lifecycle = "humanops";
  // 18 % below $5,000.00 of trailing spend; 15 % from $5,000.00 up to and including
  // $25,000.00; 12 % above $25,000.00 (from $25,000.01). Fee at least $2.00, half-up.
  config.fees = {.mode = FeeMode::fee_on_top,
                 .platform_fee_bps = 1800,
                 .tiers = {{0, 1800}, {500'000, 1500}, {2'500'001, 1200}},
                 .tier_boundary_inclusive = true,
                 .trailing_window_ms = 30 * kMillisecondsPerDay,
                 .platform_fee_min_minor = 200,
                 .rounding = Rounding::half_up};
  config.limits.amount_min_minor = 1'000;
  config.limits.amount_max_minor = 1'000'000;
  config.limits.categories = {"VERIFICATION",
                              "PHOTO",
                              "DELIVERY",
                              "INSPECTION",
                              "CAPTCHA_SOLVING",
                              "FORM_FILLING",
                              "BROWSER_INTERACTION",
                              "CONTENT_REVIEW",
                              "DATA_VALIDATION",
                              "ACCOUNT_CREATION",
                              "API_KEY_PROCUREMENT",
                              "PHONE_VERIFICATION",
                              "SUBSCRIPTION_SETUP"};
  config.settlement_hold_ms = 7 * kMillisecondsPerDay;
  config.config_json =
      R"({"verifier":{"complete_at_least":90,"manual_review_at_least":50},)"
      R"("submitted_auto_complete_days":7,"dispute_timeout_days":14,)"
      R"("deposit_min_minor":500,"deposit_max_minor":1000000,"payout_min_minor":1000,)"
      R"("digital_instructions_chars_max":10000,"judges_needed":1})";
  bound_arithmetic(config, 10'000'000'000);
  config.unique_email = true;  // one operator per email
  return config;
}

MarketConfig aacp_market() {
  MarketConfig config;
  config.name = "aacp";
  config.asset = {"USDC", 6};
  config.lifecycle = "aacp";
  config.fees = {.mode = FeeMode::fee_deducted,
                 .platform_fee_bps = 200,
                 .evaluator_fee_bps = 300,
                 .rounding = Rounding::down};
  config.limits.amount_min_minor = 1;
  config.limits.categories = {"PROGRAM", "RUBRIC", "HYBRID", "CEX_CAPITAL"};
  config.config_json = R"({"stake_bps":{"client":500,"provider":1000,"evaluator":1000},)"
                       R"("arbitrator_stake_minor":10000000,"offer_reputation_min":70,)"
                       R"("offer_stake_min_minor":100000000,"dispute_window_hours":48,)"
                       R"("dispute_deposit_bps":500,"dispute_deposit_min_minor":5000000,)"
                       R"("judges_needed":3,"judge_reputation_min":70,"evaluator_grace_hours":72})";
  bound_arithmetic(config, 1'000'000'000'000);
  config.unique_external_id = true;  // one party per agent id
  return config;
}

MarketConfig mkt1337_market() {
  MarketConfig config;
  config.name = "1337mkt";
  config.asset = {"USDC", 6};
  config.lifecycle = "mkt1337_lead";
  // The seed documents no platform fee: a contract pays its whole payout to the doer.
  config.fees = {.mode = FeeMode::fee_deducted, .platform_fee_bps = 0, .rounding = Rounding::down};
  config.limits.amount_min_minor = 1;
  config.limits.categories = {"CPR", "CPA", "CPV", "CPC", "CPD", "REVSHARE"};
  config.limits.contracts_max = 10'000;
  config.config_json =
      R"({"contract_lifecycle":"mkt1337_contract","auto_approve_hours":72,)"
      R"("judges_needed":3,"judge_reputation_min":50,"batch_accept_max":50,)"
      R"("tiers":[)"
      R"({"name":"Bronze","rep_min":0,"accept_payout_max_minor":50000000,)"
      R"("post_budget_max_minor":500000000},)"
      R"({"name":"Silver","rep_min":25,"accept_payout_max_minor":500000000,)"
      R"("post_budget_max_minor":5000000000},)"
      R"({"name":"Gold","rep_min":50,"accept_payout_max_minor":0,"post_budget_max_minor":0,)"
      R"("may_judge":true},)"
      R"({"name":"Platinum","rep_min":75,"accept_payout_max_minor":0,)"
      R"("post_budget_max_minor":0,"may_judge":true}]})";
  bound_arithmetic(config, 1'000'000'000'000);
  config.unique_wallet = true;
  return config;
}

}  // namespace

Result<MarketConfig> builtin_market_config(std::string_view name) {
  if (name == "j0") return j0_market();
  if (name == "agentmarket") return agentmarket_market();
  if (name == "humanops") return humanops_market();
  if (name == "aacp") return aacp_market();
  if (name == "1337mkt") return mkt1337_market();
  return not_found("unknown_builtin_market", "no built-in market named '" + std::string(name) +
                                                 "' (j0, agentmarket, humanops, aacp, 1337mkt)");
}

}  // namespace mc
