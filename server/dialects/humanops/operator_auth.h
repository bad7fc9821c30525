// server/dialects/humanops/operator_auth.h — who an operator request comes from.
//
// Production: Authorization: Bearer <JWT> verified with the configured key, from the
// environment (no secret on the command line):
//   MARKETCORE_HUMANOPS_JWT_SECRET           HS256 secret (at least 32 bytes), or
//   MARKETCORE_HUMANOPS_JWT_PUBLIC_KEY_FILE  a PEM public key, with
//   MARKETCORE_HUMANOPS_JWT_ALG              RS256 (default) or ES256
//   MARKETCORE_HUMANOPS_JWT_ISSUER / _AUDIENCE  checked when set
// The operator's identity is the token's "sub". Test mode (the seed's local dev switch):
// X-Operator-Id is accepted as the identity, and a Bearer token too when a key is configured.
//
// Thread-safety: immutable after creation.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "../../http_types.h"
#include "marketcore/clock.h"
#include "marketcore/status.h"

namespace mc::server::humanops {

class OperatorAuth {
 public:
  static std::shared_ptr<const OperatorAuth> from_environment(bool test_mode,
                                                              std::shared_ptr<const Clock> clock);
  // The identity the request presents: nullopt when it presents none;
  // unauthenticated when it presents a bad one.
  Result<std::optional<std::string>> identity(const Request& request) const;

  struct Keys;

 private:
  bool test_mode_ = true;
  std::shared_ptr<const Clock> clock_;
  std::shared_ptr<const Keys> keys_;
};

}  // namespace mc::server::humanops
