// marketcore/session_login.h — dialect kit: wallet login to a session token, and refresh.
//
// The login flow a wallet-based dialect needs, over the engine's durable auth stores
// (Engine::auth_stores(), so challenges and refresh tokens survive a restart and are shared
// by every process on the database):
//   1. challenge(wallet): a single-use nonce (60 s) and the text the wallet signs;
//   2. sign_in(wallet, nonce, signature): the nonce is spent whatever the outcome, the
//      EIP-191 personal_sign signature is checked, the wallet's party is registered in the
//      bound market on its first login, and a session opens;
//   3. a session is an HS256 JWT naming the party (audience = the dialect), verified by
//      verify(token); with refresh enabled it also carries a rotating refresh token
//      (refresh(token) spends it and opens the next session; a reused one revokes its family).
// A dialect whose wallets prove themselves otherwise (SIWE) verifies the proof itself and
// calls open_session(party).
//
// Refusals are normalised to what a client can act on: unauthenticated/"invalid_challenge"
// (unknown, expired or another wallet's nonce), unauthenticated/"invalid_signature",
// unauthenticated/"invalid_token" (bad, expired or foreign session token or its party gone),
// unauthenticated/"invalid_refresh_token"; unavailable/internal pass through.
//
// Thread-safety: immutable after create(); every method may be called from any thread.
//
// Example:
//   MC_TRY_ASSIGN(auto login, mc::SessionLogin::create(market, {.audience = "j0"}));
//   MC_TRY_ASSIGN(mc::auth::Challenge challenge, login->challenge(wallet));
//   MC_TRY_ASSIGN(mc::Session session, login->sign_in(wallet, challenge.nonce, signature));
//   MC_TRY_ASSIGN(mc::PartyId caller, login->verify(session.token));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "marketcore/jwt.h"
#include "marketcore/market_binding.h"
#include "marketcore/refresh_tokens.h"
#include "marketcore/wallet_auth.h"

namespace mc {

struct SessionLoginOptions {
  std::string audience;            // the dialect's name; tokens of other audiences are refused
  std::string host = "localhost";  // named in the challenge's message_to_sign
  // HS256 key of session tokens (at least 32 bytes). Empty: a random key, so sessions end
  // with the process.
  std::string jwt_secret;
  int64_t session_ttl_s = 86'400;
  int64_t challenge_ttl_ms = 60 * kMillisecondsPerSecond;
  // Issue rotating refresh tokens with each session (refresh()). Off: sessions only.
  bool refresh_tokens = false;
  int64_t refresh_ttl_ms = 30 * kMillisecondsPerDay;
};

struct Session {
  PartyId party_id = 0;
  std::string token;  // the session JWT
  int64_t expires_at_s = 0;
  std::string refresh_token;  // "" unless refresh tokens are on
  int64_t refresh_expires_at_ms = 0;
};

class SessionLogin {
 public:
  // Requires: the market's engine outlives the SessionLogin. invalid_argument/
  // "jwt_key_too_short" for a secret under 32 bytes; internal when no random key can be made.
  static Result<std::unique_ptr<SessionLogin>> create(const MarketBinding& market,
                                                      SessionLoginOptions options);

  const SessionLoginOptions& options() const { return options_; }

  // invalid_argument/"bad_address" for a malformed wallet; the nonce store's codes.
  Result<auth::Challenge> challenge(std::string_view wallet_address);
  // Spends the nonce, checks the signature, registers the wallet's party on first login,
  // opens a session. The codes listed at the top.
  Result<Session> sign_in(std::string_view wallet_address, std::string_view nonce,
                          std::string_view signature_hex);
  // A new session for a party of the market (authenticated by the caller's own means).
  Result<Session> open_session(PartyId party);
  // The party a session token names. unauthenticated/"invalid_token".
  Result<PartyId> verify(std::string_view token) const;
  // Spends a refresh token and opens the next session. unauthenticated/
  // "invalid_refresh_token" (also when refresh tokens are off).
  Result<Session> refresh(std::string_view refresh_token);

 private:
  SessionLogin(const MarketBinding& market, SessionLoginOptions options, auth::JwtHs256 jwt,
               std::shared_ptr<const Clock> clock);

  MarketBinding market_;
  SessionLoginOptions options_;
  auth::JwtHs256 jwt_;
  std::shared_ptr<const Clock> clock_;
  auth::ChallengeLogin login_;
  auth::RefreshTokens refresh_;
};

}  // namespace mc
