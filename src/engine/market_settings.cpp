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

}  // namespace mc::engine
