// Helpers shared by the 1337MKT library files (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::mkt1337::internal {

// A top-level string / integer member of a JSON object text; nullopt when absent, of another
// type, or when the text is not an object.
std::optional<std::string> json_string_member(std::string_view json, std::string_view key);
std::optional<int64_t> json_int_member(std::string_view json, std::string_view key);
// The member's JSON text re-serialized compactly ("" when absent).
std::string json_raw_member(std::string_view json, std::string_view key);
// Whether `json` is a JSON object.
bool is_json_object(std::string_view json);
// Code points of UTF-8 text, or -1 when it is not valid UTF-8.
int64_t text_chars(std::string_view text);
// invalid_argument/"missing_param" when empty (and required), "invalid_value" when longer than
// `max_chars` or not UTF-8 (param `name`).
Status check_text(std::string_view text, const char* name, int64_t max_chars, bool required);
// A chain transaction hash: 0x + 64 hex digits (lower-cased on return); invalid_argument/
// "invalid_tx_hash" (param `name`).
Result<std::string> normalize_tx_hash(std::string_view text, const char* name = "tx_hash");

inline constexpr int64_t kUsdc = 1'000'000;

}  // namespace mc::mkt1337::internal
