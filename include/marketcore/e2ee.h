// marketcore/e2ee.h — end-to-end encrypted credential delivery (HumanOps Tier 2 tasks).
//
// Scheme "ECDH-P256-AES-256-GCM": the sender makes an ephemeral P-256 key pair, derives a
// shared secret with the recipient's public key (ECDH), stretches it with HKDF-SHA-256
// (salt and info below) into an AES-256 key, and encrypts with AES-256-GCM under a random
// 12-byte IV. The blob is {ciphertext (ciphertext || 16-byte tag, as WebCrypto returns it),
// iv, ephemeralPublicKey (65-byte uncompressed point)}, each base64.
// The server stores the blob opaque and never decrypts: these helpers exist for tests,
// examples and agent-side SDKs. Matches a browser using WebCrypto (deriveBits ECDH → HKDF
// importKey → deriveKey AES-GCM 256).
//
// Thread-safety: all functions are reentrant.
//
// Example:
//   MC_TRY_ASSIGN(mc::e2ee::KeyPair agent, mc::e2ee::generate_key_pair());
//   // agent.public_key_b64 goes into the task as agent_public_key.
//   MC_TRY_ASSIGN(mc::e2ee::EncryptedCredential blob,
//                 mc::e2ee::encrypt_credential(agent.public_key_b64, R"({"password":"…"})"));
//   MC_TRY_ASSIGN(std::string plain, mc::e2ee::decrypt_credential(agent.private_key_b64, blob));
#pragma once

#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::e2ee {

// HKDF parameters of the scheme. Both sides must agree; the defaults are marketcore's.
struct Parameters {
  std::string salt;                            // default: empty (HKDF uses 32 zero bytes)
  std::string info = "ECDH-P256-AES-256-GCM";  // default: the algorithm name
};

struct KeyPair {
  std::string private_key_b64;  // PKCS#8 DER, base64 (WebCrypto exportKey("pkcs8"))
  std::string public_key_b64;   // 65-byte uncompressed point, base64 (exportKey("raw"))
};

struct EncryptedCredential {
  std::string ciphertext_b64;
  std::string iv_b64;
  std::string ephemeral_public_key_b64;
};

// Returns: internal/"e2ee_failed".
Result<KeyPair> generate_key_pair();

// `recipient_public_key_b64` is base64 of a raw uncompressed P-256 point or of SPKI DER.
// Returns: invalid_argument/"e2ee_bad_public_key"; internal/"e2ee_failed".
Result<EncryptedCredential> encrypt_credential(std::string_view recipient_public_key_b64,
                                               std::string_view plaintext,
                                               const Parameters& parameters = {});

// Returns: invalid_argument/"e2ee_bad_private_key", "e2ee_bad_public_key" (ephemeral key),
// "e2ee_bad_blob" (base64, IV length, too short); unauthenticated/"e2ee_decrypt_failed"
// (wrong key or tampered ciphertext: the GCM tag does not verify).
Result<std::string> decrypt_credential(std::string_view private_key_b64,
                                       const EncryptedCredential& blob,
                                       const Parameters& parameters = {});

}  // namespace mc::e2ee
