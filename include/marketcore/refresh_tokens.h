// marketcore/refresh_tokens.h — rotating refresh tokens with reuse detection.
//
// A login issues a refresh token that starts a family. rotate() spends the token and returns
// the next one of the same family; a spent token presented again means it leaked (or two
// clients raced), so the store revokes the whole family and the caller must log in again.
// Tokens are "rt_" + base64url of 256 random bits; only their SHA-256 is stored.
//
// Thread-safety: safe for concurrent use if the RefreshTokenStore is (all marketcore stores
// are); two concurrent rotations of one token: one succeeds, the other revokes the family.
//
// Example:
//   mc::auth::RefreshTokens refresh({}, store, clock);
//   MC_TRY_ASSIGN(auto issued, refresh.issue("party_1"));      // give issued.token to client
//   MC_TRY_ASSIGN(auto rotation, refresh.rotate(presented));   // rotation.next.token replaces it
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/status.h"

namespace mc::auth {

struct RefreshTokenOptions {
  // Lifetime of each token. Default 30 days.
  int64_t ttl_ms = 30 * kMillisecondsPerDay;
};

struct IssuedRefreshToken {
  std::string token;  // give to the client once; never stored
  std::string family_id;
  int64_t expires_at_ms = 0;
};

struct RefreshRotation {
  std::string subject;
  IssuedRefreshToken next;
};

class RefreshTokens {
 public:
  // Requires: store and clock non-null.
  RefreshTokens(RefreshTokenOptions options, std::shared_ptr<RefreshTokenStore> store,
                std::shared_ptr<const Clock> clock);

  // Starts a new family for `subject`. Returns: the store's insert codes; internal.
  Result<IssuedRefreshToken> issue(std::string_view subject);
  // Spends `token` and issues its successor.
  // Returns: unauthenticated/"refresh_token_malformed"; RefreshTokenStore::consume's codes.
  Result<RefreshRotation> rotate(std::string_view token);
  // Logout: revokes the family of `family_id`.
  Status revoke_family(std::string_view family_id);

  // Hex SHA-256 of a token, as stored.
  static std::string hash_token(std::string_view token);

 private:
  Result<IssuedRefreshToken> add(std::string_view subject, std::string family_id);
  RefreshTokenOptions options_;
  std::shared_ptr<RefreshTokenStore> store_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace mc::auth
