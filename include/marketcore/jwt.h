// marketcore/jwt.h — session tokens (JWT, RFC 7519) with the algorithm pinned.
//
// Our own session tokens are HS256 with a key of at least 256 bits (JwtHs256). Tokens issued
// by someone else (HumanOps operator logins) are verified with a configured public key, RS256
// or ES256 (JwtPublicKeyVerifier). A verifier accepts exactly one algorithm: "none", a
// different alg, an HS256 token presented to a public-key verifier (key confusion) are all
// refused before any signature work. Base64url must be canonical, the header and payload must
// be JSON objects without duplicate names, and "crit" is refused (no extensions understood).
// exp is required by default; exp/nbf/iat are judged against the caller's clock with a small
// leeway.
//
// Thread-safety: JwtHs256 and JwtPublicKeyVerifier are immutable after creation and may be
// shared by any number of threads.
//
// Example:
//   MC_TRY_ASSIGN(mc::auth::JwtHs256 jwt, mc::auth::JwtHs256::create(secret_32_bytes));
//   MC_TRY_ASSIGN(std::string token, jwt.issue({.subject = "party_1", .expires_at_s = exp}));
//   MC_TRY_ASSIGN(mc::auth::JwtClaims claims, jwt.verify(token, clock.now_ms(), {}));
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "marketcore/status.h"

namespace mc::auth {

struct JwtClaims {
  std::string subject;                  // "sub"
  std::string issuer;                   // "iss"
  std::vector<std::string> audience;    // "aud" (a string or an array in the token)
  std::string jwt_id;                   // "jti"
  std::optional<int64_t> expires_at_s;  // "exp"
  std::optional<int64_t> not_before_s;  // "nbf"
  std::optional<int64_t> issued_at_s;   // "iat"
  // Further string-valued claims to issue ("role": "operator"); on verify, every string
  // claim not listed above.
  std::vector<std::pair<std::string, std::string>> extra;
};

struct JwtValidation {
  // If non-empty, "iss" must equal it.
  std::string issuer;
  // If non-empty, "aud" must contain it.
  std::string audience;
  // Tolerated clock difference for exp, nbf and iat. Default 30 s.
  int64_t leeway_s = 30;
  // Tokens without "exp" are refused unless this is false.
  bool require_expiry = true;
};

// Verification codes shared by both verifiers, in the order they are checked:
//   unauthenticated/"jwt_malformed"        not three canonical base64url parts of JSON objects,
//                                          duplicate names, bad claim types, "crit", > 8 KiB
//   unauthenticated/"jwt_alg_not_allowed"  header alg is not the pinned one
//   unauthenticated/"jwt_bad_signature"
//   unauthenticated/"jwt_missing_exp", "jwt_expired", "jwt_not_yet_valid",
//                   "jwt_issued_in_future", "jwt_wrong_issuer", "jwt_wrong_audience"

class JwtHs256 {
 public:
  // Returns: invalid_argument/"jwt_key_too_short" when the key has fewer than 32 bytes.
  static Result<JwtHs256> create(std::string key);

  // A compact HS256 JWS of the claims (header {"alg":"HS256","typ":"JWT"}).
  // Returns: invalid_argument/"jwt_bad_claims" if an extra claim repeats a registered name.
  Result<std::string> issue(const JwtClaims& claims) const;

  // Returns: the codes listed above.
  Result<JwtClaims> verify(std::string_view token, int64_t now_ms,
                           const JwtValidation& validation) const;

 private:
  explicit JwtHs256(std::string key) : key_(std::move(key)) {}
  std::string key_;
};

enum class JwtPublicKeyAlgorithm { rs256, es256 };

class JwtPublicKeyVerifier {
 public:
  // Loads a PEM public key (SPKI "BEGIN PUBLIC KEY"). RS256 needs an RSA key of ≥ 2048 bits,
  // ES256 a P-256 key.
  // Returns: invalid_argument/"jwt_bad_public_key".
  static Result<JwtPublicKeyVerifier> from_pem(std::string_view pem,
                                               JwtPublicKeyAlgorithm algorithm);

  // Returns: the codes listed above.
  Result<JwtClaims> verify(std::string_view token, int64_t now_ms,
                           const JwtValidation& validation) const;

  struct Key;  // OpenSSL key, opaque here

 private:
  JwtPublicKeyVerifier(std::shared_ptr<const Key> key, JwtPublicKeyAlgorithm algorithm)
      : key_(std::move(key)), algorithm_(algorithm) {}
  std::shared_ptr<const Key> key_;
  JwtPublicKeyAlgorithm algorithm_;
};

}  // namespace mc::auth
