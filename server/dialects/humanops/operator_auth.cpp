// server/dialects/humanops/operator_auth.cpp — operator identity from a JWT or the dev header.
#include "operator_auth.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "marketcore/jwt.h"

namespace mc::server::humanops {

struct OperatorAuth::Keys {
  std::optional<auth::JwtHs256> hs256;
  std::optional<auth::JwtPublicKeyVerifier> public_key;
  auth::JwtValidation validation;
};

namespace {

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

std::shared_ptr<const OperatorAuth> OperatorAuth::from_environment(
    bool test_mode, std::shared_ptr<const Clock> clock) {
  auto auth = std::make_shared<OperatorAuth>();
  auth->test_mode_ = test_mode;
  auth->clock_ = std::move(clock);
  auto keys = std::make_shared<Keys>();
  keys->validation.issuer = env("MARKETCORE_HUMANOPS_JWT_ISSUER");
  keys->validation.audience = env("MARKETCORE_HUMANOPS_JWT_AUDIENCE");
  const std::string secret = env("MARKETCORE_HUMANOPS_JWT_SECRET");
  const std::string key_file = env("MARKETCORE_HUMANOPS_JWT_PUBLIC_KEY_FILE");
  if (!secret.empty()) {
    Result<auth::JwtHs256> jwt = auth::JwtHs256::create(secret);
    if (jwt.ok()) {
      keys->hs256 = std::move(jwt).value();
    } else {
      std::fprintf(stderr, "humanops: MARKETCORE_HUMANOPS_JWT_SECRET: %s\n",
                   jwt.status().message().c_str());
    }
  } else if (!key_file.empty()) {
    std::ifstream in(key_file);
    std::stringstream pem;
    pem << in.rdbuf();
    const auto algorithm = env("MARKETCORE_HUMANOPS_JWT_ALG") == "ES256"
                               ? auth::JwtPublicKeyAlgorithm::es256
                               : auth::JwtPublicKeyAlgorithm::rs256;
    Result<auth::JwtPublicKeyVerifier> verifier =
        auth::JwtPublicKeyVerifier::from_pem(pem.str(), algorithm);
    if (verifier.ok()) {
      keys->public_key = std::move(verifier).value();
    } else {
      std::fprintf(stderr, "humanops: MARKETCORE_HUMANOPS_JWT_PUBLIC_KEY_FILE: %s\n",
                   verifier.status().message().c_str());
    }
  }
  auth->keys_ = std::move(keys);
  return auth;
}

Result<std::optional<std::string>> OperatorAuth::identity(const Request& request) const {
  const std::optional<std::string_view> authorization = request.header("authorization");
  const std::optional<std::string_view> bearer =
      authorization ? bearer_token(*authorization) : std::nullopt;
  if (bearer) {
    const std::string_view token = *bearer;
    Result<auth::JwtClaims> claims =
        keys_->hs256 ? keys_->hs256->verify(token, clock_->now_ms(), keys_->validation)
        : keys_->public_key
            ? keys_->public_key->verify(token, clock_->now_ms(), keys_->validation)
            : Result<auth::JwtClaims>(unauthenticated(
                  "operator_token_invalid", "Operator tokens are not configured on this server"));
    if (!claims.ok() || claims->subject.empty()) {
      return unauthenticated("operator_token_invalid", "Invalid operator token");
    }
    return std::optional<std::string>(claims->subject);
  }
  if (test_mode_) {
    const std::optional<std::string_view> id = request.header("x-operator-id");
    if (id && !id->empty()) {
      if (id->size() > 200) return unauthenticated("operator_unknown", "Invalid operator ID");
      return std::optional<std::string>(std::string(*id));
    }
  }
  return std::optional<std::string>();
}

}  // namespace mc::server::humanops
