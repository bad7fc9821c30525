// JWT: the RFC 7515 A.1 vector, issue/verify round trips, the pinned algorithm, time claims
// with leeway, malformed tokens, and public-key verification set-up.
#include "marketcore/jwt.h"

#include <doctest/doctest.h>

#include "crypto/vectors.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

using namespace mc;
using namespace mc::auth;

namespace {
const std::string kKey(32, 'k');
constexpr int64_t kNowMs = 1'700'000'000'000;

std::string forge(std::string_view header_json, std::string_view payload_json,
                  std::string_view key) {
  std::string input =
      encoding::base64url_encode(header_json) + "." + encoding::base64url_encode(payload_json);
  return input + "." + encoding::base64url_encode(crypto::hmac_sha256_bytes(key, input));
}
}  // namespace

TEST_CASE("RFC 7515 appendix A.1 HS256 token verifies") {
  simdjson::dom::parser parser;
  auto vector = test::load_vectors(parser, "crypto.json")["jws_hs256_rfc7515_a1"];
  const std::string key = *encoding::base64url_decode(test::text(vector["key_b64url"]));
  const std::string input = test::text(vector["signing_input"]);
  const std::string signature = test::text(vector["signature_b64url"]);
  CHECK(encoding::base64url_encode(crypto::hmac_sha256_bytes(key, input)) == signature);

  auto jwt = JwtHs256::create(key);
  REQUIRE(jwt.ok());
  const std::string token = input + "." + signature;
  auto claims = jwt->verify(token, 1'300'819'370'000, {});
  REQUIRE_MESSAGE(claims.ok(), claims.status().to_string());
  CHECK(claims->issuer == "joe");
  CHECK(claims->expires_at_s == 1'300'819'380);
  // After exp (+ leeway) it is refused.
  CHECK(jwt->verify(token, 1'300'819'380'000 + 31'000, {}).status().detail() == "jwt_expired");
  // One flipped signature character.
  std::string bad = token;
  bad.back() = bad.back() == 'k' ? 'A' : 'k';
  CHECK(!jwt->verify(bad, 1'300'819'370'000, {}).ok());
}

TEST_CASE("HS256 tokens round-trip with claims and validation") {
  auto jwt = *JwtHs256::create(kKey);
  JwtClaims claims;
  claims.subject = "party_1";
  claims.issuer = "marketcore";
  claims.audience = {"j0"};
  claims.issued_at_s = kNowMs / 1000;
  claims.expires_at_s = kNowMs / 1000 + 3600;
  claims.extra = {{"role", "worker"}};
  auto token = jwt.issue(claims);
  REQUIRE(token.ok());
  auto back = jwt.verify(*token, kNowMs, {.issuer = "marketcore", .audience = "j0"});
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  CHECK(back->subject == "party_1");
  CHECK(back->extra.size() == 1);
  CHECK(back->extra[0].second == "worker");
  CHECK(jwt.verify(*token, kNowMs, {.issuer = "other"}).status().detail() == "jwt_wrong_issuer");
  CHECK(jwt.verify(*token, kNowMs, {.audience = "aacp"}).status().detail() == "jwt_wrong_audience");
  CHECK(jwt.verify(*token, kNowMs + 3'629'000, {}).ok());  // within leeway
  CHECK(jwt.verify(*token, kNowMs + 3'630'000, {}).status().detail() == "jwt_expired");
  auto other = *JwtHs256::create(std::string(32, 'x'));
  CHECK(other.verify(*token, kNowMs, {}).status().detail() == "jwt_bad_signature");
  claims.extra = {{"exp", "1"}};
  CHECK(jwt.issue(claims).status().detail() == "jwt_bad_claims");
}

TEST_CASE("HS256 keys below 256 bits are refused") {
  CHECK(JwtHs256::create(std::string(31, 'k')).status().detail() == "jwt_key_too_short");
}

TEST_CASE("the algorithm is pinned: none, RS256, hs256 and missing alg are refused") {
  auto jwt = *JwtHs256::create(kKey);
  const std::string payload = R"({"sub":"a","exp":1700003600})";
  CHECK(jwt.verify(forge(R"({"alg":"none"})", payload, kKey), kNowMs, {}).status().detail() ==
        "jwt_alg_not_allowed");
  const std::string unsigned_token = encoding::base64url_encode(R"({"alg":"none"})") + "." +
                                     encoding::base64url_encode(payload) + ".";
  CHECK(!jwt.verify(unsigned_token, kNowMs, {}).ok());
  CHECK(jwt.verify(forge(R"({"alg":"RS256"})", payload, kKey), kNowMs, {}).status().detail() ==
        "jwt_alg_not_allowed");
  CHECK(jwt.verify(forge(R"({"alg":"hs256"})", payload, kKey), kNowMs, {}).status().detail() ==
        "jwt_alg_not_allowed");
  CHECK(jwt.verify(forge(R"({"typ":"JWT"})", payload, kKey), kNowMs, {}).status().detail() ==
        "jwt_malformed");
  CHECK(jwt.verify(forge(R"({"alg":"HS256","crit":["b64"]})", payload, kKey), kNowMs, {})
            .status()
            .detail() == "jwt_malformed");
}

TEST_CASE("malformed tokens and claims get jwt_malformed; time claims are enforced") {
  auto jwt = *JwtHs256::create(kKey);
  const std::string header = R"({"alg":"HS256"})";
  for (const std::string& token :
       {std::string(""), std::string("a.b"), std::string("a.b.c.d"), std::string("..."),
        forge(header, "[]", kKey), forge(header, "not json", kKey),
        forge(R"({"alg":"HS256","alg":"none"})", R"({"exp":1700003600})", kKey),
        forge(header, R"({"exp":1700003600,"exp":1})", kKey),
        forge(header, R"({"exp":"tomorrow"})", kKey), forge(header, R"({"sub":1,"exp":1})", kKey),
        forge(header, R"({"aud":[1],"exp":1700003600})", kKey), std::string(9000, 'a')}) {
    CAPTURE(token);
    CHECK(jwt.verify(token, kNowMs, {}).status().detail() == "jwt_malformed");
  }
  // Padding and non-canonical base64url are refused.
  std::string token = forge(header, R"({"exp":1700003600})", kKey);
  CHECK(jwt.verify(token + "=", kNowMs, {}).status().detail() == "jwt_malformed");
  CHECK(jwt.verify(forge(header, R"({"sub":"a"})", kKey), kNowMs, {}).status().detail() ==
        "jwt_missing_exp");
  CHECK(jwt.verify(forge(header, R"({"sub":"a"})", kKey), kNowMs, {.require_expiry = false}).ok());
  CHECK(jwt.verify(forge(header, R"({"exp":1700003600,"nbf":1700000100})", kKey), kNowMs, {})
            .status()
            .detail() == "jwt_not_yet_valid");
  CHECK(jwt.verify(forge(header, R"({"exp":1700003600,"iat":1700000100})", kKey), kNowMs, {})
            .status()
            .detail() == "jwt_issued_in_future");
  CHECK(jwt.verify(forge(header, R"({"exp":1700003600,"nbf":1700000020})", kKey), kNowMs, {})
            .ok());  // within leeway
}

TEST_CASE("public-key verifiers check the key type at load") {
  CHECK(
      JwtPublicKeyVerifier::from_pem("not a pem", JwtPublicKeyAlgorithm::rs256).status().detail() ==
      "jwt_bad_public_key");
  // A P-256 key (RFC 7515 A.3's public key in SPKI form) is fine for ES256, not for RS256.
  const std::string p256 =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV7\n"
      "6e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n"
      "-----END PUBLIC KEY-----\n";
  auto es256 = JwtPublicKeyVerifier::from_pem(p256, JwtPublicKeyAlgorithm::es256);
  REQUIRE_MESSAGE(es256.ok(), es256.status().to_string());
  CHECK(JwtPublicKeyVerifier::from_pem(p256, JwtPublicKeyAlgorithm::rs256).status().detail() ==
        "jwt_bad_public_key");
  // RFC 7515 A.3 ES256 example token (exp 1300819380).
  const std::string token =
      "eyJhbGciOiJFUzI1NiJ9"
      "."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0"
      "cnVlfQ"
      "."
      "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
  auto claims = es256->verify(token, 1'300'819'370'000, {});
  CHECK_MESSAGE(claims.ok(), claims.status().to_string());
  // HS256 presented to a public-key verifier (key confusion) is refused by alg.
  CHECK(es256->verify(forge(R"({"alg":"HS256"})", R"({"exp":1700003600})", p256), kNowMs, {})
            .status()
            .detail() == "jwt_alg_not_allowed");
  std::string tampered = token;
  tampered[30] = tampered[30] == 'A' ? 'B' : 'A';
  CHECK(!es256->verify(tampered, 1'300'819'370'000, {}).ok());
}
