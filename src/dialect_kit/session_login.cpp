// Dialect kit: wallet challenge → session token → refresh (marketcore/session_login.h).
#include "marketcore/session_login.h"

#include <charconv>

#include "marketcore/auth_store_sqlite.h"
#include "marketcore/crypto.h"
#include "marketcore/ethereum.h"

namespace mc {
namespace {

// The engine's clock as a shared pointer that owns nothing (the engine outlives the login).
std::shared_ptr<const Clock> clock_of(Engine& engine) {
  return std::shared_ptr<const Clock>(std::shared_ptr<const Clock>(), &engine.clock());
}

std::optional<PartyId> parse_party(std::string_view text) {
  PartyId id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

bool passes_through(const Status& status) {
  return status.code() == Code::unavailable || status.code() == Code::internal ||
         status.code() == Code::resource_exhausted || status.code() == Code::data_loss;
}

// What a failed signed-challenge check tells the client.
Status sign_in_refusal(const Status& status) {
  const std::string& detail = status.detail();
  if (detail == "nonce_unknown" || detail == "nonce_expired") {
    return unauthenticated("invalid_challenge", "Invalid or expired challenge");
  }
  if (detail == "challenge_wallet_mismatch") {
    return unauthenticated("invalid_challenge", "Challenge was issued to another wallet");
  }
  if (passes_through(status)) return status;
  return unauthenticated("invalid_signature", "Invalid signature");
}

}  // namespace

SessionLogin::SessionLogin(const MarketBinding& market, SessionLoginOptions options,
                           auth::JwtHs256 jwt, std::shared_ptr<const Clock> clock)
    : market_(market),
      options_(std::move(options)),
      jwt_(std::move(jwt)),
      clock_(clock),
      login_({.host = options_.host, .ttl_ms = options_.challenge_ttl_ms},
             market.engine().auth_stores().nonces, clock),
      refresh_({.ttl_ms = options_.refresh_ttl_ms}, market.engine().auth_stores().refresh_tokens,
               clock) {}

Result<std::unique_ptr<SessionLogin>> SessionLogin::create(const MarketBinding& market,
                                                           SessionLoginOptions options) {
  std::string secret = options.jwt_secret;
  if (secret.empty()) {
    MC_TRY_ASSIGN(secret, crypto::random_bytes(32));
  }
  MC_TRY_ASSIGN(auth::JwtHs256 jwt, auth::JwtHs256::create(std::move(secret)));
  options.jwt_secret.clear();  // the key lives in jwt only
  return std::unique_ptr<SessionLogin>(
      new SessionLogin(market, std::move(options), std::move(jwt), clock_of(market.engine())));
}

Result<auth::Challenge> SessionLogin::challenge(std::string_view wallet_address) {
  return login_.issue(wallet_address);
}

Result<Session> SessionLogin::sign_in(std::string_view wallet_address, std::string_view nonce,
                                      std::string_view signature_hex) {
  Result<eth::Address> signer = login_.verify(wallet_address, nonce, signature_hex);
  if (!signer.ok()) return sign_in_refusal(signer.status());
  MC_TRY_ASSIGN(Party party, market_.party_for_wallet(eth::to_lower_address(signer.value())));
  return open_session(party.id);
}

Result<Session> SessionLogin::open_session(PartyId party) {
  MC_TRY(market_.party(party).status());
  const int64_t now_s = clock_->now_ms() / 1000;
  Session session{.party_id = party, .expires_at_s = now_s + options_.session_ttl_s};
  MC_TRY_ASSIGN(session.token, jwt_.issue({.subject = std::to_string(party),
                                           .audience = {options_.audience},
                                           .expires_at_s = session.expires_at_s,
                                           .issued_at_s = now_s}));
  if (options_.refresh_tokens) {
    MC_TRY_ASSIGN(auth::IssuedRefreshToken issued, refresh_.issue(std::to_string(party)));
    session.refresh_token = std::move(issued.token);
    session.refresh_expires_at_ms = issued.expires_at_ms;
  }
  return session;
}

Result<PartyId> SessionLogin::verify(std::string_view token) const {
  const Status invalid = unauthenticated("invalid_token", "Invalid or expired token");
  Result<auth::JwtClaims> claims =
      jwt_.verify(token, clock_->now_ms(), {.audience = options_.audience});
  if (!claims.ok()) return invalid;
  const std::optional<PartyId> party = parse_party(claims->subject);
  if (!party) return invalid;
  Result<Party> found = market_.party(*party);
  if (!found.ok()) return found.status().code() == Code::not_found ? invalid : found.status();
  return *party;
}

Result<Session> SessionLogin::refresh(std::string_view refresh_token) {
  const Status invalid =
      unauthenticated("invalid_refresh_token", "Invalid, expired or reused refresh token");
  if (!options_.refresh_tokens) return invalid;
  Result<auth::RefreshRotation> rotation = refresh_.rotate(refresh_token);
  if (!rotation.ok()) return passes_through(rotation.status()) ? rotation.status() : invalid;
  const std::optional<PartyId> party = parse_party(rotation->subject);
  if (!party) return invalid;
  const int64_t now_s = clock_->now_ms() / 1000;
  Session session{.party_id = *party, .expires_at_s = now_s + options_.session_ttl_s};
  MC_TRY_ASSIGN(session.token, jwt_.issue({.subject = rotation->subject,
                                           .audience = {options_.audience},
                                           .expires_at_s = session.expires_at_s,
                                           .issued_at_s = now_s}));
  session.refresh_token = std::move(rotation->next.token);
  session.refresh_expires_at_ms = rotation->next.expires_at_ms;
  return session;
}

}  // namespace mc
