// Reads engine settings from a market's config_json (see market_settings.h).
#include "engine/market_settings.h"

#include <simdjson.h>

namespace mc::engine {

int64_t market_setting_int(const MarketConfig& config, std::string_view key,
                           int64_t default_value) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(config.config_json)).get(root) != simdjson::SUCCESS) {
    return default_value;
  }
  int64_t value = 0;
  if (root[key].get_int64().get(value) != simdjson::SUCCESS) return default_value;
  return value;
}

std::string market_setting_string(const MarketConfig& config, std::string_view key,
                                  std::string default_value) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(config.config_json)).get(root) != simdjson::SUCCESS) {
    return default_value;
  }
  std::string_view value;
  if (root[key].get_string().get(value) != simdjson::SUCCESS) return default_value;
  return std::string(value);
}

std::optional<MarketTier> market_tier(const MarketConfig& config, int64_t reputation) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(config.config_json)).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  simdjson::dom::array tiers;
  if (root["tiers"].get_array().get(tiers) != simdjson::SUCCESS) return std::nullopt;
  std::optional<MarketTier> found;
  for (simdjson::dom::element tier : tiers) {
    int64_t rep_min = 0;
    if (tier["rep_min"].get_int64().get(rep_min) != simdjson::SUCCESS || rep_min > reputation) {
      continue;
    }
    std::string_view name;
    if (tier["name"].get_string().get(name) != simdjson::SUCCESS) name = "";
    found = MarketTier{.name = std::string(name), .json = simdjson::minify(tier)};
  }
  return found;
}

int64_t tier_setting_int(const MarketTier& tier, std::string_view key, int64_t default_value) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(simdjson::padded_string(tier.json)).get(root) != simdjson::SUCCESS) {
    return default_value;
  }
  int64_t value = 0;
  if (root[key].get_int64().get(value) != simdjson::SUCCESS) return default_value;
  return value;
}

}  // namespace mc::engine
