// Dialect kit: wallet challenge → session token → refresh over the engine's durable stores.
#include "marketcore/session_login.h"

#include <doctest/doctest.h>

#include "marketcore/ethereum.h"
#include "scenarios/scenario_fixture.h"

namespace {

const std::string kKey(32, '\x21');
const std::string kOtherKey(32, '\x22');

std::string wallet_of(const std::string& key) {
  return mc::eth::to_lower_address(*mc::eth::address_of_private_key(key));
}

struct Login {
  mc::scenario::Scenario s{"j0"};
  mc::MarketBinding market =
      mc::MarketBinding::open(*s.engine, {.market_name = "j0", .lifecycle = "j0"}).value();

  std::unique_ptr<mc::SessionLogin> make(mc::SessionLoginOptions options) {
    auto login = mc::SessionLogin::create(market, std::move(options));
    REQUIRE_MESSAGE(login.ok(), login.status().to_string());
    return std::move(login).value();
  }
};

mc::Result<mc::Session> sign_in(mc::SessionLogin& login, const std::string& key,
                                const std::string& signing_key) {
  const std::string wallet = wallet_of(key);
  mc::auth::Challenge challenge = login.challenge(wallet).value();
  const std::string signature =
      *mc::eth::sign_personal_message(signing_key, challenge.message_to_sign);
  return login.sign_in(wallet, challenge.nonce, signature);
}

}  // namespace

TEST_CASE("dialect kit: a signed challenge opens a session for the wallet's party") {
  Login f;
  auto login = f.make({.audience = "j0", .host = "j0.example", .session_ttl_s = 3600});
  const mc::Session session = sign_in(*login, kKey, kKey).value();
  const mc::Party party = f.market.party(session.party_id).value();
  CHECK(party.wallet_address == wallet_of(kKey));
  CHECK(session.expires_at_s == mc::scenario::kStartMs / 1000 + 3600);
  CHECK(session.refresh_token.empty());  // refresh tokens are off by default
  CHECK(login->verify(session.token).value() == party.id);
  // The same wallet logs in to the same party.
  CHECK(sign_in(*login, kKey, kKey).value().party_id == party.id);

  // Refusals a client can act on.
  CHECK(sign_in(*login, kKey, kOtherKey).status().detail() == "invalid_signature");
  const mc::auth::Challenge challenge = login->challenge(wallet_of(kKey)).value();
  const std::string signature = *mc::eth::sign_personal_message(kKey, challenge.message_to_sign);
  CHECK(login->sign_in(wallet_of(kKey), challenge.nonce, signature).ok());
  CHECK(login->sign_in(wallet_of(kKey), challenge.nonce, signature).status().detail() ==
        "invalid_challenge");  // single use
  const mc::auth::Challenge other = login->challenge(wallet_of(kOtherKey)).value();
  CHECK(login
            ->sign_in(wallet_of(kKey), other.nonce,
                      *mc::eth::sign_personal_message(kKey, other.message_to_sign))
            .status()
            .detail() == "invalid_challenge");  // issued to another wallet
  const mc::auth::Challenge late = login->challenge(wallet_of(kKey)).value();
  f.s.clock->advance_ms(61'000);
  CHECK(login
            ->sign_in(wallet_of(kKey), late.nonce,
                      *mc::eth::sign_personal_message(kKey, late.message_to_sign))
            .status()
            .detail() == "invalid_challenge");  // expired

  // Tokens: expiry, audience, tampering, a party of another market.
  CHECK(login->verify("not.a.token").status().detail() == "invalid_token");
  auto other_audience = f.make({.audience = "aacp", .jwt_secret = std::string(32, 'k')});
  auto same_key = f.make({.audience = "j0", .jwt_secret = std::string(32, 'k')});
  const mc::Session foreign = other_audience->open_session(party.id).value();
  CHECK(same_key->verify(foreign.token).status().detail() == "invalid_token");
  CHECK(same_key->verify(same_key->open_session(party.id).value().token).ok());
  f.s.clock->advance_ms(3600 * 1000 + 31'000);
  CHECK(login->verify(session.token).status().detail() == "invalid_token");
  CHECK(login->open_session(999'999).status().detail() == "party_not_found");
}

TEST_CASE("dialect kit: refresh rotates the session; a reused refresh token ends it") {
  Login f;
  auto login = f.make({.audience = "j0", .refresh_tokens = true});
  const mc::Session first = sign_in(*login, kKey, kKey).value();
  REQUIRE_FALSE(first.refresh_token.empty());
  f.s.clock->advance_ms(1000);
  const mc::Session second = login->refresh(first.refresh_token).value();
  CHECK(second.party_id == first.party_id);
  CHECK(second.refresh_token != first.refresh_token);
  CHECK(login->verify(second.token).value() == first.party_id);
  // The spent token again: refused, and its whole family is revoked.
  CHECK(login->refresh(first.refresh_token).status().detail() == "invalid_refresh_token");
  CHECK(login->refresh(second.refresh_token).status().detail() == "invalid_refresh_token");
  CHECK(login->refresh("rt_garbage").status().detail() == "invalid_refresh_token");

  // The refresh tokens are durable: a second login over the same engine accepts them.
  const mc::Session third = sign_in(*login, kKey, kKey).value();
  auto restarted = f.make({.audience = "j0", .refresh_tokens = true});
  CHECK(restarted->refresh(third.refresh_token).value().party_id == third.party_id);

  auto sessions_only = f.make({.audience = "j0"});
  CHECK(sessions_only->refresh(third.refresh_token).status().detail() == "invalid_refresh_token");
}
