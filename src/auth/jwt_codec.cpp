// JWS compact serialization (RFC 7515 §7.1) and JWT claim validation (RFC 7519 §4.1).
// Decoding order: size → three parts → canonical base64url header → JSON object header with
// unique names → no "crit" → alg pinned. Claims are parsed only after the caller checked the
// signature.
#include "auth/jwt_codec.h"

#include <simdjson.h>

#include <cmath>
#include <set>

#include "marketcore/encoding.h"

namespace mc::auth::jwt_detail {
namespace {

constexpr size_t kTokenBytesMax = 8 * 1024;

Status malformed(std::string message) {
  return unauthenticated("jwt_malformed", std::move(message));
}

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

// Parses `json` as an object whose member names are unique.
Result<simdjson::dom::object> parse_object(const std::string& json, const char* what) {
  simdjson::dom::object object;
  if (thread_parser().parse(json).get_object().get(object) != simdjson::SUCCESS) {
    return malformed(std::string(what) + " is not a JSON object");
  }
  std::set<std::string_view> names;
  for (auto field : object) {
    if (!names.insert(field.key).second) {
      return malformed(std::string(what) + " repeats a member name");
    }
  }
  return object;
}

// NumericDate: a JSON number of seconds; fractions are floored.
Result<int64_t> numeric_date(simdjson::dom::element value, const char* name) {
  int64_t whole;
  if (value.get_int64().get(whole) == simdjson::SUCCESS) return whole;
  double real;
  if (value.get_double().get(real) == simdjson::SUCCESS && std::isfinite(real) &&
      std::fabs(real) < 1e15) {
    return static_cast<int64_t>(std::floor(real));
  }
  return malformed(std::string(name) + " is not a NumericDate");
}

Result<std::string> string_claim(simdjson::dom::element value, const char* name) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) {
    return malformed(std::string(name) + " is not a string");
  }
  return std::string(text);
}

Status read_claim(std::string_view name, simdjson::dom::element value, JwtClaims& claims) {
  if (name == "sub") {
    MC_TRY_ASSIGN(claims.subject, string_claim(value, "sub"));
  } else if (name == "iss") {
    MC_TRY_ASSIGN(claims.issuer, string_claim(value, "iss"));
  } else if (name == "jti") {
    MC_TRY_ASSIGN(claims.jwt_id, string_claim(value, "jti"));
  } else if (name == "exp") {
    MC_TRY_ASSIGN(claims.expires_at_s, numeric_date(value, "exp"));
  } else if (name == "nbf") {
    MC_TRY_ASSIGN(claims.not_before_s, numeric_date(value, "nbf"));
  } else if (name == "iat") {
    MC_TRY_ASSIGN(claims.issued_at_s, numeric_date(value, "iat"));
  } else if (name == "aud") {
    simdjson::dom::array list;
    if (value.get_array().get(list) == simdjson::SUCCESS) {
      for (auto item : list) {
        MC_TRY_ASSIGN(std::string audience, string_claim(item, "aud"));
        claims.audience.push_back(std::move(audience));
      }
    } else {
      MC_TRY_ASSIGN(std::string audience, string_claim(value, "aud"));
      claims.audience.push_back(std::move(audience));
    }
  } else {
    std::string_view text;
    if (value.get_string().get(text) == simdjson::SUCCESS) {
      claims.extra.emplace_back(std::string(name), std::string(text));
    }
  }
  return ok_status();
}

}  // namespace

Result<CompactJws> decode(std::string_view token, std::string_view algorithm) {
  if (token.size() > kTokenBytesMax) return malformed("token exceeds 8 KiB");
  const size_t first = token.find('.');
  const size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return malformed("a JWS has exactly three parts");
  }
  auto header_json = encoding::base64url_decode(token.substr(0, first));
  auto payload_json = encoding::base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = encoding::base64url_decode(token.substr(second + 1));
  if (!header_json.ok() || !payload_json.ok() || !signature.ok() || header_json->empty() ||
      payload_json->empty()) {
    return malformed("parts are not canonical base64url");
  }
  MC_TRY_ASSIGN(simdjson::dom::object header, parse_object(*header_json, "header"));
  if (header["crit"].error() != simdjson::NO_SUCH_FIELD) {
    return malformed("header has crit extensions, none are understood");
  }
  std::string_view alg;
  if (header["alg"].get_string().get(alg) != simdjson::SUCCESS) {
    return malformed("header has no string alg");
  }
  if (alg != algorithm) {
    return unauthenticated("jwt_alg_not_allowed", "token alg is not the one this verifier accepts");
  }
  return CompactJws{token.substr(0, second), std::move(payload_json).value(),
                    std::move(signature).value()};
}

Result<JwtClaims> check_claims(const std::string& payload_json, int64_t now_ms,
                               const JwtValidation& validation) {
  MC_TRY_ASSIGN(simdjson::dom::object payload, parse_object(payload_json, "payload"));
  JwtClaims claims;
  for (auto field : payload) MC_TRY(read_claim(field.key, field.value, claims));

  const int64_t now_s = now_ms / 1000;
  if (!claims.expires_at_s && validation.require_expiry) {
    return unauthenticated("jwt_missing_exp", "token has no exp");
  }
  if (claims.expires_at_s && now_s >= *claims.expires_at_s + validation.leeway_s) {
    return unauthenticated("jwt_expired", "token expired");
  }
  if (claims.not_before_s && now_s + validation.leeway_s < *claims.not_before_s) {
    return unauthenticated("jwt_not_yet_valid", "token not valid yet");
  }
  if (claims.issued_at_s && now_s + validation.leeway_s < *claims.issued_at_s) {
    return unauthenticated("jwt_issued_in_future", "token issued in the future");
  }
  if (!validation.issuer.empty() && claims.issuer != validation.issuer) {
    return unauthenticated("jwt_wrong_issuer", "token issuer not accepted");
  }
  if (!validation.audience.empty() && std::find(claims.audience.begin(), claims.audience.end(),
                                                validation.audience) == claims.audience.end()) {
    return unauthenticated("jwt_wrong_audience", "token is for another audience");
  }
  return claims;
}

}  // namespace mc::auth::jwt_detail
