// Shared JWS compact parsing and claim checks for the JWT verifiers. Internal.
#pragma once

#include <string>
#include <string_view>

#include "marketcore/jwt.h"

namespace mc::auth::jwt_detail {

struct CompactJws {
  std::string_view signing_input;  // header "." payload, as received
  std::string payload_json;
  std::string signature;  // decoded bytes
};

// Splits and decodes a compact JWS, checks the header is a JSON object without duplicates or
// "crit" whose "alg" equals `algorithm`. Returns: "jwt_malformed", "jwt_alg_not_allowed".
Result<CompactJws> decode(std::string_view token, std::string_view algorithm);

// Parses the payload claims and applies `validation` at now_ms.
// Returns: "jwt_malformed" and the time / issuer / audience codes.
Result<JwtClaims> check_claims(const std::string& payload_json, int64_t now_ms,
                               const JwtValidation& validation);

}  // namespace mc::auth::jwt_detail
