// market_settings.h — engine settings a market keeps in its free `config_json`.
//
// Keys read by the engine (all optional):
//   "judge_reputation_min": integer, least reputation of a judge (default 0)
//   "judges_needed":        integer, judges per dispute panel (default 3)
//   "contract_lifecycle":   string, lifecycle of a lead's contracts (default: the market's)
//   "tiers":                array of {"name", "rep_min", ...integer limits}, rep_min ascending
//                           (GuardKind::actor_tier_allows_amount)
// A key of the wrong type is ignored (its default applies): the market was validated at
// creation and the engine must not fail a money call over a cosmetic setting.
//
// Thread-safety: pure functions.
//
// Example:
//   int64_t minimum = market_setting_int(market.config, "judge_reputation_min", 0);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "marketcore/market.h"

namespace mc::engine {

int64_t market_setting_int(const MarketConfig& config, std::string_view key, int64_t default_value);
// A reputation tier of the market's "tiers": its name and its object's JSON text.
struct MarketTier {
  std::string name;
  std::string json;
};
// The last tier whose rep_min ≤ reputation; nullopt when the market has none.
std::optional<MarketTier> market_tier(const MarketConfig& config, int64_t reputation);
// An integer key of a tier, or `default_value`.
int64_t tier_setting_int(const MarketTier& tier, std::string_view key, int64_t default_value);

std::string market_setting_string(const MarketConfig& config, std::string_view key,
                                  std::string default_value);

}  // namespace mc::engine
