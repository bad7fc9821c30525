// RFC 3339 date-time parsing (EIP-4361's issued-at, expiration-time, not-before) to Unix ms.
// Internal to the auth layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mc::auth {

// Parses full-date "T" full-time with optional fraction and "Z" or ±hh:mm offset; checks the
// calendar (Feb 31 is refused, leap years honoured). Fractions below a millisecond are
// truncated. Returns nullopt for anything else.
std::optional<int64_t> parse_rfc3339_ms(std::string_view text);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for Unix ms (years 0000–9999).
std::string format_rfc3339_ms(int64_t unix_ms);

}  // namespace mc::auth
