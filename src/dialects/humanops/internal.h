// Helpers shared by the HumanOps library files (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "marketcore/market.h"
#include "marketcore/party.h"
#include "marketcore/status.h"

namespace mc::humanops::internal {

// Code points of UTF-8 text, or -1 when it is not valid UTF-8.
int64_t text_chars(std::string_view text);
// invalid_argument/"missing_param" when empty, "invalid_value" when longer than `max_chars`
// or not UTF-8 (param `name`).
Status check_text(std::string_view text, const char* name, int64_t max_chars, bool required);
// An integer of the market's config_json, or `fallback`.
int64_t setting_int(const Market& market, std::string_view key, int64_t fallback);
// The {lat, lng} of a party's profile location, if it has numbers there.
std::optional<std::pair<double, double>> profile_point(const Party& party);
// Great-circle distance in kilometres.
double distance_km(double lat1, double lng1, double lat2, double lng2);
// JSON-escaped string literal (with quotes).
std::string json_string(std::string_view text);

}  // namespace mc::humanops::internal
