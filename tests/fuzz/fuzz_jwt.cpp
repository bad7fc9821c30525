// Fuzzes JWT verification (HS256 and ES256) and the base64url/base64/hex decoders: every
// input is refused with a jwt_* detail or verifies; decoders round-trip what they accept.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/encoding.h"
#include "marketcore/jwt.h"

namespace {
// RFC 7515 A.3's P-256 public key.
constexpr char kP256[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
    "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
    "-----END PUBLIC KEY-----\n";

void check_jwt_status(const mc::Status& status) {
  if (!status.ok() && status.detail().rfind("jwt_", 0) != 0) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const mc::auth::JwtHs256 hs256 = *mc::auth::JwtHs256::create(std::string(32, 'k'));
  static const mc::auth::JwtPublicKeyVerifier es256 =
      *mc::auth::JwtPublicKeyVerifier::from_pem(kP256, mc::auth::JwtPublicKeyAlgorithm::es256);
  check_jwt_status(hs256.verify(input, 1'700'000'000'000, {}).status());
  check_jwt_status(es256.verify(input, 1'300'819'370'000, {.require_expiry = false}).status());

  auto url = mc::encoding::base64url_decode(input);
  if (url.ok() && mc::encoding::base64url_encode(*url) != input) __builtin_trap();
  auto standard = mc::encoding::base64_decode(input);
  if (standard.ok() && mc::encoding::base64_encode(*standard) != input) __builtin_trap();
  auto hex = mc::encoding::hex_decode(input);
  if (hex.ok() && hex->size() * 2 > input.size()) __builtin_trap();
  return 0;
}
