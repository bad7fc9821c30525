// Helpers shared by the AACP library files (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::aacp::internal {

// The lower-case 0x-hex of a wallet address; invalid_argument/"bad_address" (param `param`).
Result<std::string> lower_address(std::string_view text, const char* param);
// The EIP-55 spelling of a stored lower-case address ("" stays "").
std::string checksum_address(std::string_view lower);
// invalid_argument/"missing_param" when empty, "invalid_value" past `max_chars` (param `name`).
Status check_text(std::string_view text, const char* name, size_t max_chars);
// A string field of a JSON object text, or "".
std::string json_string_field(std::string_view json, std::string_view key);

}  // namespace mc::aacp::internal
