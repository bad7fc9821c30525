// EIP-55 addresses and EIP-191 personal_sign recovery over libsecp256k1.
//
// Signature checks run in a fixed order, one detail each: shape (65 bytes, hex) → v ∈
// {0, 1, 27, 28} → r, s ∈ [1, n-1] → s ≤ n/2 (EIP-2, so a signature cannot be malleated into
// a second accepted spelling) → recovery → address comparison.
#include "marketcore/ethereum.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <cstring>

#include "common/assert.h"
#include "marketcore/encoding.h"

namespace mc::eth {
namespace {

// The secp256k1 group order n and n/2, big-endian.
constexpr uint8_t kOrder[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xBA, 0xAE, 0xDC, 0xE6, 0xAF, 0x48,
                                0xA0, 0x3B, 0xBF, 0xD2, 0x5E, 0x8C, 0xD0, 0x36, 0x41, 0x41};
constexpr uint8_t kHalfOrder[32] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x5D, 0x57, 0x6E, 0x73, 0x57, 0xA4, 0x50, 0x1D, 0xDF, 0xE9, 0x2F, 0x46, 0x68, 0x1B, 0x20, 0xA0};

const secp256k1_context* context() {
  // Created once; libsecp256k1 contexts are safe for concurrent read-only use.
  static secp256k1_context* const shared =
      secp256k1_context_create(SECP256K1_CONTEXT_SIGN | SECP256K1_CONTEXT_VERIFY);
  MC_ASSERT(shared != nullptr);
  return shared;
}

bool is_zero(const uint8_t* scalar) {
  return std::all_of(scalar, scalar + 32, [](uint8_t b) { return b == 0; });
}

// Big-endian a > b for 32-byte scalars.
bool greater_than(const uint8_t* a, const uint8_t* b) {
  return std::memcmp(a, b, 32) > 0;
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

Result<Address> parse_shape(std::string_view text) {
  if (text.size() != 42 || text[0] != '0' || text[1] != 'x') {
    return invalid_argument("bad_address", "an address is 0x followed by 40 hex digits");
  }
  MC_TRY_ASSIGN(std::string raw, encoding::hex_decode(text.substr(2)));
  Address address;
  std::memcpy(address.bytes.data(), raw.data(), 20);
  return address;
}

}  // namespace

std::string to_checksum_address(const Address& address) {
  const std::string lower = encoding::hex_encode(
      std::string_view(reinterpret_cast<const char*>(address.bytes.data()), 20));
  const crypto::Digest32 hash = crypto::keccak256(lower);
  std::string out = "0x";
  for (size_t i = 0; i < lower.size(); ++i) {
    const uint8_t nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 15);
    const char c = lower[i];
    out += (c >= 'a' && nibble >= 8) ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::string to_lower_address(const Address& address) {
  return "0x" + encoding::hex_encode(std::string_view(
                    reinterpret_cast<const char*>(address.bytes.data()), address.bytes.size()));
}

Result<Address> parse_address(std::string_view text) {
  MC_TRY_ASSIGN(Address address, parse_shape(text));
  const std::string_view digits = text.substr(2);
  const bool all_lower = std::all_of(digits.begin(), digits.end(), is_lower_hex);
  const bool all_upper =
      std::none_of(digits.begin(), digits.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  if (all_lower || all_upper) return address;
  if (to_checksum_address(address) != text) {
    return invalid_argument("bad_address_checksum", "address fails its EIP-55 checksum");
  }
  return address;
}

Result<Address> parse_checksummed_address(std::string_view text) {
  MC_TRY_ASSIGN(Address address, parse_shape(text));
  if (to_checksum_address(address) != text) {
    return invalid_argument("bad_address_checksum", "address is not in EIP-55 checksum form");
  }
  return address;
}

Address address_of_public_key(std::string_view uncompressed_public_key) {
  MC_ASSERT(uncompressed_public_key.size() == 65);
  const crypto::Digest32 hash = crypto::keccak256(uncompressed_public_key.substr(1));
  Address address;
  std::memcpy(address.bytes.data(), hash.data() + 12, 20);
  return address;
}

crypto::Digest32 hash_personal_message(std::string_view message) {
  std::string prefixed =
      "\x19"
      "Ethereum Signed Message:\n" +
      std::to_string(message.size());
  prefixed.append(message);
  return crypto::keccak256(prefixed);
}

Result<RecoverableSignature> parse_signature_bytes(std::string_view raw) {
  if (raw.size() != 65) return invalid_argument("bad_signature", "a signature is 65 bytes");
  RecoverableSignature sig;
  std::memcpy(sig.compact.data(), raw.data(), 64);
  const uint8_t v = static_cast<uint8_t>(raw[64]);
  if (v == 27 || v == 28) {
    sig.recovery_id = v - 27;
  } else if (v == 0 || v == 1) {
    sig.recovery_id = v;
  } else {
    return invalid_argument("bad_signature", "signature v must be 27, 28, 0 or 1");
  }
  const uint8_t* r = sig.compact.data();
  const uint8_t* s = sig.compact.data() + 32;
  if (is_zero(r) || is_zero(s) || !greater_than(kOrder, r) || !greater_than(kOrder, s)) {
    return invalid_argument("signature_out_of_range", "signature r or s is out of range");
  }
  if (greater_than(s, kHalfOrder)) {
    return invalid_argument("signature_high_s", "signature s is above n/2 (EIP-2)");
  }
  return sig;
}

Result<RecoverableSignature> parse_signature(std::string_view hex) {
  if (hex.size() != 132 && hex.size() != 130) {
    return invalid_argument("bad_signature", "a signature is 65 bytes of hex");
  }
  auto raw = encoding::hex_decode(hex);
  if (!raw.ok() || raw->size() != 65) {
    return invalid_argument("bad_signature", "a signature is 65 bytes of hex");
  }
  return parse_signature_bytes(*raw);
}

Result<Address> recover_digest(const crypto::Digest32& digest, const RecoverableSignature& sig) {
  secp256k1_ecdsa_recoverable_signature parsed;
  secp256k1_pubkey public_key;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(context(), &parsed, sig.compact.data(),
                                                          sig.recovery_id) != 1 ||
      secp256k1_ecdsa_recover(context(), &public_key, &parsed, digest.data()) != 1) {
    return unauthenticated("signature_unrecoverable", "no public key matches the signature");
  }
  unsigned char serialized[65];
  size_t length = sizeof serialized;
  secp256k1_ec_pubkey_serialize(context(), serialized, &length, &public_key,
                                SECP256K1_EC_UNCOMPRESSED);
  MC_ASSERT(length == 65);
  return address_of_public_key(std::string_view(reinterpret_cast<char*>(serialized), 65));
}

Result<Address> recover_personal_sign(std::string_view message, std::string_view signature_hex) {
  MC_TRY_ASSIGN(RecoverableSignature sig, parse_signature(signature_hex));
  return recover_digest(hash_personal_message(message), sig);
}

Status verify_personal_sign(std::string_view message, std::string_view signature_hex,
                            std::string_view expected_address) {
  std::string lowered(expected_address);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c; });
  MC_TRY_ASSIGN(Address expected, parse_shape(lowered));
  MC_TRY_ASSIGN(Address signer, recover_personal_sign(message, signature_hex));
  if (!(signer == expected)) {
    return unauthenticated("signer_mismatch", "the message was signed by another address");
  }
  return ok_status();
}

Result<Address> address_of_private_key(std::string_view private_key_32_bytes) {
  secp256k1_pubkey public_key;
  if (private_key_32_bytes.size() != 32 ||
      secp256k1_ec_pubkey_create(
          context(), &public_key,
          reinterpret_cast<const unsigned char*>(private_key_32_bytes.data())) != 1) {
    return invalid_argument("bad_private_key", "not a valid secp256k1 private key");
  }
  unsigned char serialized[65];
  size_t length = sizeof serialized;
  secp256k1_ec_pubkey_serialize(context(), serialized, &length, &public_key,
                                SECP256K1_EC_UNCOMPRESSED);
  return address_of_public_key(std::string_view(reinterpret_cast<char*>(serialized), 65));
}

Result<std::string> sign_personal_message(std::string_view private_key_32_bytes,
                                          std::string_view message) {
  if (private_key_32_bytes.size() != 32) {
    return invalid_argument("bad_private_key", "a private key is 32 bytes");
  }
  const crypto::Digest32 digest = hash_personal_message(message);
  secp256k1_ecdsa_recoverable_signature sig;
  if (secp256k1_ecdsa_sign_recoverable(
          context(), &sig, digest.data(),
          reinterpret_cast<const unsigned char*>(private_key_32_bytes.data()), nullptr,
          nullptr) != 1) {
    return invalid_argument("bad_private_key", "not a valid secp256k1 private key");
  }
  unsigned char compact[65];
  int recovery_id = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(context(), compact, &recovery_id, &sig);
  compact[64] = static_cast<unsigned char>(27 + recovery_id);
  return "0x" + encoding::hex_encode(std::string_view(reinterpret_cast<char*>(compact), 65));
}

}  // namespace mc::eth
