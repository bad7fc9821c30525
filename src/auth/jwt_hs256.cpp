// HS256 session tokens: issue with JsonWriter, verify with the pinned algorithm and a
// constant-time MAC comparison.
#include "auth/jwt_codec.h"
#include "json/json_writer.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/jwt.h"

namespace mc::auth {
namespace {

bool is_registered(std::string_view name) {
  for (std::string_view registered : {"sub", "iss", "aud", "jti", "exp", "nbf", "iat"}) {
    if (name == registered) return true;
  }
  return false;
}

}  // namespace

Result<JwtHs256> JwtHs256::create(std::string key) {
  if (key.size() < 32) {
    return invalid_argument("jwt_key_too_short", "an HS256 key needs at least 256 bits");
  }
  return JwtHs256(std::move(key));
}

Result<std::string> JwtHs256::issue(const JwtClaims& claims) const {
  json::JsonWriter payload;
  payload.begin_object();
  if (!claims.issuer.empty()) payload.key("iss").value(claims.issuer);
  if (!claims.subject.empty()) payload.key("sub").value(claims.subject);
  if (claims.audience.size() == 1) payload.key("aud").value(claims.audience[0]);
  if (claims.audience.size() > 1) {
    payload.key("aud").begin_array();
    for (const std::string& audience : claims.audience) payload.value(audience);
    payload.end_array();
  }
  if (!claims.jwt_id.empty()) payload.key("jti").value(claims.jwt_id);
  if (claims.issued_at_s) payload.key("iat").value(*claims.issued_at_s);
  if (claims.not_before_s) payload.key("nbf").value(*claims.not_before_s);
  if (claims.expires_at_s) payload.key("exp").value(*claims.expires_at_s);
  for (const auto& [name, value] : claims.extra) {
    if (is_registered(name)) {
      return invalid_argument("jwt_bad_claims", "extra claim repeats a registered name", name);
    }
    payload.key(name).value(value);
  }
  payload.end_object();
  std::string token = encoding::base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  token += '.';
  token += encoding::base64url_encode(payload.text());
  const std::string mac = crypto::hmac_sha256_bytes(key_, token);
  token += '.';
  token += encoding::base64url_encode(mac);
  return token;
}

Result<JwtClaims> JwtHs256::verify(std::string_view token, int64_t now_ms,
                                   const JwtValidation& validation) const {
  MC_TRY_ASSIGN(jwt_detail::CompactJws jws, jwt_detail::decode(token, "HS256"));
  const std::string expected = crypto::hmac_sha256_bytes(key_, jws.signing_input);
  if (!crypto::constant_time_equal(expected, jws.signature)) {
    return unauthenticated("jwt_bad_signature", "token signature does not verify");
  }
  return jwt_detail::check_claims(jws.payload_json, now_ms, validation);
}

}  // namespace mc::auth
