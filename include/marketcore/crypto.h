// marketcore/crypto.h — hashing, MACs, key derivation, randomness and constant-time comparison.
//
// Thin, typed wrappers over OpenSSL 3 (SHA-256, HMAC-SHA-256, HKDF-SHA-256, RAND_bytes,
// CRYPTO_memcmp) plus the one primitive Debian's OpenSSL lacks, Keccak-256 (the original
// Keccak padding used by Ethereum, not NIST SHA3-256). Byte strings are std::string (any byte
// value allowed); digests are fixed-size arrays.
//
// Thread-safety: every function is reentrant and may be called from any thread.
//
// Example:
//   mc::crypto::Digest32 digest = mc::crypto::keccak256("abc");
//   std::string mac = mc::crypto::hmac_sha256_bytes(secret, body);
//   if (!mc::crypto::constant_time_equal(mac, received)) { ... }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::crypto {

using Digest32 = std::array<uint8_t, 32>;

// Keccak-256 (Ethereum's hash; padding byte 0x01, not SHA3's 0x06).
Digest32 keccak256(std::string_view data);
// SHA-256 (FIPS 180-4).
Digest32 sha256(std::string_view data);
// HMAC-SHA-256 (RFC 2104). Any key length is allowed.
Digest32 hmac_sha256(std::string_view key, std::string_view data);

// The digest as a 32-byte string.
std::string digest_bytes(const Digest32& digest);
// Shorthand for digest_bytes(hmac_sha256(key, data)).
std::string hmac_sha256_bytes(std::string_view key, std::string_view data);

// Compares two byte strings in time that depends only on their lengths (CRYPTO_memcmp).
// Use for every comparison of a MAC, hash of a secret, or token.
bool constant_time_equal(std::string_view a, std::string_view b);

// `length_bytes` bytes from OpenSSL's CSPRNG.
// Returns: internal/"random_failed" if the generator fails (never expected).
Result<std::string> random_bytes(size_t length_bytes);

// HKDF-SHA-256 (RFC 5869) extract-and-expand.
// Requires: 0 < length_bytes <= 255 * 32.
// Returns: invalid_argument/"hkdf_length" on a bad length; internal/"hkdf_failed".
Result<std::string> hkdf_sha256(std::string_view input_key, std::string_view salt,
                                std::string_view info, size_t length_bytes);

}  // namespace mc::crypto
