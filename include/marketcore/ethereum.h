// marketcore/ethereum.h — Ethereum addresses (EIP-55) and EIP-191 personal_sign verification.
//
// An Address is 20 bytes; it prints in EIP-55 mixed-case checksum form. personal_sign
// signatures are 65 bytes r || s || v (v = 27/28, or 0/1 as some wallets send), hex with an
// optional 0x. Recovery uses libsecp256k1; a signature with s above n/2 (EIP-2), r or s out
// of range, or any other v is refused before recovery, so each signed message has exactly
// one accepted signature per signer.
//
// Thread-safety: all functions are reentrant; the secp256k1 context is created once and
// shared read-only.
//
// Example:
//   MC_TRY(mc::eth::verify_personal_sign(message, signature_hex, "0xAbC…"));
//   mc::Result<mc::eth::Address> signer = mc::eth::recover_personal_sign(message, sig);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/crypto.h"
#include "marketcore/status.h"

namespace mc::eth {

struct Address {
  std::array<uint8_t, 20> bytes{};
  friend bool operator==(const Address&, const Address&) = default;
};

// Parses "0x" + 40 hex digits. All-lower or all-upper hex is accepted as is; mixed case must
// carry a valid EIP-55 checksum.
// Returns: invalid_argument/"bad_address" (shape) or "bad_address_checksum".
Result<Address> parse_address(std::string_view text);
// Like parse_address but mixed case is required and checked (SIWE's rule).
// Returns: invalid_argument/"bad_address" or "bad_address_checksum".
Result<Address> parse_checksummed_address(std::string_view text);
// "0x" + EIP-55 mixed-case hex.
std::string to_checksum_address(const Address& address);
// "0x" + lower-case hex (the canonical key for storage and comparisons).
std::string to_lower_address(const Address& address);
// The address of an uncompressed secp256k1 public key (65 bytes, 0x04 || x || y).
Address address_of_public_key(std::string_view uncompressed_public_key);

// keccak256("\x19Ethereum Signed Message:\n" + decimal length + message) (EIP-191 version 0x45).
crypto::Digest32 hash_personal_message(std::string_view message);

// A parsed 65-byte recoverable signature, normalised to recovery id 0/1.
struct RecoverableSignature {
  std::array<uint8_t, 64> compact{};  // r || s, big-endian
  int recovery_id = 0;                // 0 or 1
};

// Parses hex (optional 0x) of r || s || v.
// Returns: invalid_argument/"bad_signature" (length, hex, v), "signature_high_s" (EIP-2),
// "signature_out_of_range" (r or s zero or not below the curve order).
Result<RecoverableSignature> parse_signature(std::string_view hex);
// Same, from the 65 raw bytes.
Result<RecoverableSignature> parse_signature_bytes(std::string_view raw);

// Recovers the signer of a 32-byte digest.
// Returns: unauthenticated/"signature_unrecoverable" when no key matches.
Result<Address> recover_digest(const crypto::Digest32& digest, const RecoverableSignature& sig);

// Recovers the personal_sign signer of `message`.
// Returns: the codes of parse_signature and recover_digest.
Result<Address> recover_personal_sign(std::string_view message, std::string_view signature_hex);

// Checks that `signature_hex` is expected_address's personal_sign of `message`; the address
// comparison ignores case (any spelling parse_address accepts, or all-lower/upper hex).
// Returns: invalid_argument/"bad_address" for an unparsable expected address; the codes of
// recover_personal_sign; unauthenticated/"signer_mismatch" when another key signed.
Status verify_personal_sign(std::string_view message, std::string_view signature_hex,
                            std::string_view expected_address);

// Signs `message` with personal_sign (test and example helper; production never holds wallet
// keys). Returns hex "0x" + r || s || v with v = 27/28 and low s.
// Returns: invalid_argument/"bad_private_key".
Result<std::string> sign_personal_message(std::string_view private_key_32_bytes,
                                          std::string_view message);
// The address of a secp256k1 private key. Returns: invalid_argument/"bad_private_key".
Result<Address> address_of_private_key(std::string_view private_key_32_bytes);

}  // namespace mc::eth
