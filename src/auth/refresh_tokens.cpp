// Rotating refresh tokens: one family per login, each token usable once (see
// marketcore/refresh_tokens.h).
#include "marketcore/refresh_tokens.h"

#include "common/assert.h"
#include "marketcore/crypto.h"
#include "marketcore/encoding.h"

namespace mc::auth {

RefreshTokens::RefreshTokens(RefreshTokenOptions options, std::shared_ptr<RefreshTokenStore> store,
                             std::shared_ptr<const Clock> clock)
    : options_(options), store_(std::move(store)), clock_(std::move(clock)) {
  MC_ASSERT(store_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

std::string RefreshTokens::hash_token(std::string_view token) {
  return encoding::hex_encode(crypto::digest_bytes(crypto::sha256(token)));
}

Result<IssuedRefreshToken> RefreshTokens::add(std::string_view subject, std::string family_id) {
  MC_TRY_ASSIGN(std::string secret, crypto::random_bytes(32));
  IssuedRefreshToken issued;
  issued.token = "rt_" + encoding::base64url_encode(secret);
  issued.family_id = std::move(family_id);
  const int64_t now_ms = clock_->now_ms();
  issued.expires_at_ms = now_ms + options_.ttl_ms;
  MC_TRY(store_->insert({hash_token(issued.token), issued.family_id, std::string(subject), now_ms,
                         issued.expires_at_ms}));
  return issued;
}

Result<IssuedRefreshToken> RefreshTokens::issue(std::string_view subject) {
  MC_TRY_ASSIGN(std::string family, crypto::random_bytes(16));
  return add(subject, "rf_" + encoding::hex_encode(family));
}

Result<RefreshRotation> RefreshTokens::rotate(std::string_view token) {
  if (token.size() != 46 || token.substr(0, 3) != "rt_") {
    return unauthenticated("refresh_token_malformed", "not a refresh token");
  }
  MC_TRY_ASSIGN(RefreshTokenRecord spent, store_->consume(hash_token(token), clock_->now_ms()));
  MC_TRY_ASSIGN(IssuedRefreshToken next, add(spent.subject, spent.family_id));
  return RefreshRotation{spent.subject, std::move(next)};
}

Status RefreshTokens::revoke_family(std::string_view family_id) {
  return store_->revoke_family(family_id);
}

}  // namespace mc::auth
