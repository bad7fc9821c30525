// marketcore/encoding.h — strict hex, base64 and base64url codecs for keys, signatures and tokens.
//
// Decoders are strict: they refuse characters outside the alphabet, wrong padding and
// non-canonical trailing bits, so one value has exactly one accepted spelling (a signature
// cannot be "re-spelled" to evade a replay guard).
//
// Thread-safety: every function is reentrant.
//
// Example:
//   std::string text = mc::encoding::hex_encode(bytes);                  // "c0ffee"
//   mc::Result<std::string> back = mc::encoding::hex_decode("0xC0FFEE");  // case-insensitive
#pragma once

#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::encoding {

// Lower-case hex, no prefix.
std::string hex_encode(std::string_view bytes);
// Decodes hex of either case, with or without a "0x" prefix.
// Returns: invalid_argument/"bad_hex" on an odd length or a non-hex character.
Result<std::string> hex_decode(std::string_view text);

// Standard base64 (RFC 4648 §4) with '=' padding.
std::string base64_encode(std::string_view bytes);
// Returns: invalid_argument/"bad_base64" unless `text` is canonical padded base64.
Result<std::string> base64_decode(std::string_view text);

// base64url (RFC 4648 §5) without padding, as JWS uses it.
std::string base64url_encode(std::string_view bytes);
// Returns: invalid_argument/"bad_base64url" unless `text` is canonical unpadded base64url.
Result<std::string> base64url_decode(std::string_view text);

}  // namespace mc::encoding
