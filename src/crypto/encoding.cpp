// Strict hex / base64 / base64url codecs (RFC 4648). Decoders accept exactly one spelling of
// each value: alphabet characters only, exact padding, zero trailing bits.
#include "marketcore/encoding.h"

#include <array>
#include <cstdint>

namespace mc::encoding {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::array<int8_t, 256> reverse_table(const char* alphabet) {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 64; ++i) table[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}

std::string encode64(std::string_view bytes, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t n = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest == 1) {
    const uint32_t n = uint32_t{static_cast<uint8_t>(bytes[i])} << 16;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (pad) out += "==";
  } else if (rest == 2) {
    const uint32_t n = (uint32_t{static_cast<uint8_t>(bytes[i])} << 16) |
                       (uint32_t{static_cast<uint8_t>(bytes[i + 1])} << 8);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    if (pad) out += '=';
  }
  return out;
}

// Decodes unpadded symbols; false on a foreign character, an impossible length or nonzero
// trailing bits.
bool decode64(std::string_view text, const std::array<int8_t, 256>& table, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.clear();
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int8_t value = table[static_cast<uint8_t>(c)];
    if (value < 0) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return (buffer & ((1u << bits) - 1)) == 0;
}

}  // namespace

std::string hex_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out += kHexDigits[static_cast<uint8_t>(c) >> 4];
    out += kHexDigits[static_cast<uint8_t>(c) & 15];
  }
  return out;
}

Result<std::string> hex_decode(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.size() % 2 != 0) return invalid_argument("bad_hex", "hex has an odd length");
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int high = hex_value(text[i]);
    const int low = hex_value(text[i + 1]);
    if (high < 0 || low < 0) return invalid_argument("bad_hex", "not a hex digit");
    out += static_cast<char>((high << 4) | low);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return encode64(bytes, kBase64, true);
}

Result<std::string> base64_decode(std::string_view text) {
  static const std::array<int8_t, 256> table = reverse_table(kBase64);
  if (text.size() % 4 != 0) return invalid_argument("bad_base64", "base64 length");
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  std::string out;
  if (!decode64(text.substr(0, text.size() - padding), table, out)) {
    return invalid_argument("bad_base64", "not canonical base64");
  }
  return out;
}

std::string base64url_encode(std::string_view bytes) {
  return encode64(bytes, kBase64Url, false);
}

Result<std::string> base64url_decode(std::string_view text) {
  static const std::array<int8_t, 256> table = reverse_table(kBase64Url);
  std::string out;
  if (!decode64(text, table, out)) {
    return invalid_argument("bad_base64url", "not canonical unpadded base64url");
  }
  return out;
}

}  // namespace mc::encoding
