// HMAC-SHA256 webhook signature schemes (see marketcore/webhook_signatures.h). Parsing of
// signature headers is strict and bounded (8 KiB, at most 16 candidate signatures).
#include "marketcore/webhook_signatures.h"

#include <charconv>

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::auth {
namespace {

constexpr size_t kHeaderBytesMax = 8 * 1024;
constexpr int kCandidatesMax = 16;

Status missing() {
  return unauthenticated("webhook_signature_missing", "no signature header");
}
Status malformed(std::string message) {
  return unauthenticated("webhook_signature_malformed", std::move(message));
}
Status mismatch() {
  return unauthenticated("webhook_bad_signature", "signature does not match the body");
}

// Compares a hex MAC from the wire with the expected raw MAC.
bool hex_matches(std::string_view hex, const std::string& expected_mac) {
  if (hex.size() != 64) return false;
  auto raw = encoding::hex_decode(hex);
  return raw.ok() && crypto::constant_time_equal(*raw, expected_mac);
}

std::optional<int64_t> parse_seconds(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool within(int64_t timestamp_s, int64_t now_ms, int64_t tolerance_s) {
  const int64_t now_s = now_ms / 1000;
  return timestamp_s >= now_s - tolerance_s && timestamp_s <= now_s + tolerance_s;
}

Result<std::string> standard_webhook_key(std::string_view secret) {
  if (secret.substr(0, 6) == "whsec_") secret.remove_prefix(6);
  auto key = encoding::base64_decode(secret);
  if (!key.ok() || key->size() < 16) {
    return invalid_argument("webhook_bad_secret", "secret must be whsec_ + base64, ≥ 16 bytes");
  }
  return key;
}

}  // namespace

std::string sign_body_hex(std::string_view secret, std::string_view body) {
  return encoding::hex_encode(crypto::hmac_sha256_bytes(secret, body));
}

Status verify_body_hex(std::string_view secret, std::string_view body, std::string_view header) {
  if (header.empty()) return missing();
  if (header.size() != 64) return malformed("expected 64 hex digits");
  return hex_matches(header, crypto::hmac_sha256_bytes(secret, body)) ? ok_status() : mismatch();
}

std::string sign_body_sha256_prefixed(std::string_view secret, std::string_view body) {
  return "sha256=" + sign_body_hex(secret, body);
}

Status verify_body_sha256_prefixed(std::string_view secret, std::string_view body,
                                   std::string_view header) {
  if (header.empty()) return missing();
  if (header.substr(0, 7) != "sha256=" || header.size() != 71) {
    return malformed("expected sha256=<64 hex digits>");
  }
  return hex_matches(header.substr(7), crypto::hmac_sha256_bytes(secret, body)) ? ok_status()
                                                                                : mismatch();
}

std::string sign_stripe(std::string_view secret, std::string_view body, int64_t timestamp_s) {
  const std::string stamp = std::to_string(timestamp_s);
  std::string payload = stamp + "." + std::string(body);
  return "t=" + stamp + ",v1=" + encoding::hex_encode(crypto::hmac_sha256_bytes(secret, payload));
}

Status verify_stripe_signature(std::string_view secret, std::string_view body,
                               std::string_view header, int64_t now_ms, int64_t tolerance_s) {
  if (header.empty()) return missing();
  if (header.size() > kHeaderBytesMax) return malformed("header too long");
  std::optional<int64_t> timestamp_s;
  std::string_view candidates[kCandidatesMax];
  int candidate_count = 0;
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string_view item = header.substr(start, comma - start);
    start = comma + 1;
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) return malformed("items are key=value");
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    if (key == "t") {
      if (timestamp_s) return malformed("t appears twice");
      timestamp_s = parse_seconds(value);
      if (!timestamp_s) return malformed("t is not a Unix time");
    } else if (key == "v1") {
      if (candidate_count == kCandidatesMax) return malformed("too many v1 signatures");
      candidates[candidate_count++] = value;
    }
  }
  if (!timestamp_s) return malformed("no t= timestamp");
  if (candidate_count == 0) return malformed("no v1= signature");
  if (!within(*timestamp_s, now_ms, tolerance_s)) {
    return unauthenticated("webhook_timestamp_out_of_tolerance", "timestamp outside tolerance");
  }
  std::string payload = std::to_string(*timestamp_s) + "." + std::string(body);
  const std::string expected = crypto::hmac_sha256_bytes(secret, payload);
  bool matched = false;
  for (int i = 0; i < candidate_count; ++i) matched |= hex_matches(candidates[i], expected);
  return matched ? ok_status() : mismatch();
}

Result<std::string> sign_standard_webhook(std::string_view secret, std::string_view message_id,
                                          int64_t timestamp_s, std::string_view body) {
  MC_TRY_ASSIGN(std::string key, standard_webhook_key(secret));
  std::string content = std::string(message_id) + "." + std::to_string(timestamp_s) + ".";
  content.append(body);
  return "v1," + encoding::base64_encode(crypto::hmac_sha256_bytes(key, content));
}

Status verify_standard_webhook(std::string_view secret, std::string_view message_id,
                               std::string_view timestamp_header, std::string_view signature_header,
                               std::string_view body, int64_t now_ms, int64_t tolerance_s) {
  MC_TRY_ASSIGN(std::string key, standard_webhook_key(secret));
  if (signature_header.empty() || message_id.empty() || timestamp_header.empty()) {
    return missing();
  }
  if (signature_header.size() > kHeaderBytesMax) return malformed("header too long");
  const auto timestamp_s = parse_seconds(timestamp_header);
  if (!timestamp_s) return malformed("webhook-timestamp is not a Unix time");
  if (!within(*timestamp_s, now_ms, tolerance_s)) {
    return unauthenticated("webhook_timestamp_out_of_tolerance", "timestamp outside tolerance");
  }
  std::string content = std::string(message_id) + "." + std::to_string(*timestamp_s) + ".";
  content.append(body);
  const std::string expected = crypto::hmac_sha256_bytes(key, content);
  bool matched = false;
  int seen = 0;
  size_t start = 0;
  while (start < signature_header.size()) {
    const size_t space = std::min(signature_header.find(' ', start), signature_header.size());
    const std::string_view item = signature_header.substr(start, space - start);
    start = space + 1;
    if (item.empty()) continue;
    if (++seen > kCandidatesMax) return malformed("too many signatures");
    if (item.substr(0, 3) != "v1,") continue;  // other versions are not ours to judge
    auto mac = encoding::base64_decode(item.substr(3));
    if (mac.ok()) matched |= crypto::constant_time_equal(*mac, expected);
  }
  return matched ? ok_status() : mismatch();
}

}  // namespace mc::auth
