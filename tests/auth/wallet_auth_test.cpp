// j0 challenge logins and AACP wallet-signed requests: single use, windows, wallet binding,
// replay under both v spellings.
#include "marketcore/wallet_auth.h"

#include <doctest/doctest.h>

#include "marketcore/memory_auth_stores.h"

using namespace mc;
using namespace mc::auth;

namespace {
const std::string kKey(32, '\x11');
const std::string kOtherKey(32, '\x12');
constexpr int64_t kNowMs = 1'708'041'600'000;

std::string address_of(const std::string& key) {
  return eth::to_checksum_address(*eth::address_of_private_key(key));
}
}  // namespace

TEST_CASE("j0 challenge: message format, single use, wallet binding, expiry") {
  auto clock = std::make_shared<ManualClock>(kNowMs);
  auto nonces = std::make_shared<MemoryNonceStore>();
  ChallengeLogin login({.host = "j0.example"}, nonces, clock);
  const std::string wallet = address_of(kKey);
  auto challenge = login.issue(wallet);
  REQUIRE(challenge.ok());
  CHECK(challenge->message_to_sign ==
        "j0.example authentication\nNonce: " + challenge->nonce + "\nTimestamp: 1708041600");
  const std::string signature = *eth::sign_personal_message(kKey, challenge->message_to_sign);
  // Lower-case address works too (case-insensitive comparison).
  auto who =
      login.verify(eth::to_lower_address(*eth::parse_address(wallet)), challenge->nonce, signature);
  REQUIRE_MESSAGE(who.ok(), who.status().to_string());
  CHECK(eth::to_checksum_address(*who) == wallet);
  CHECK(login.verify(wallet, challenge->nonce, signature).status().detail() == "nonce_unknown");

  auto second = *login.issue(wallet);
  CHECK(login
            .verify(address_of(kOtherKey), second.nonce,
                    *eth::sign_personal_message(kOtherKey, second.message_to_sign))
            .status()
            .detail() == "challenge_wallet_mismatch");

  auto third = *login.issue(wallet);
  CHECK(login
            .verify(wallet, third.nonce,
                    *eth::sign_personal_message(kOtherKey, third.message_to_sign))
            .status()
            .detail() == "signer_mismatch");

  auto late = *login.issue(wallet);
  clock->advance_ms(61'000);
  CHECK(login.verify(wallet, late.nonce, *eth::sign_personal_message(kKey, late.message_to_sign))
            .status()
            .detail() == "nonce_expired");
  CHECK(login.issue("0xnot-an-address").status().detail() == "bad_address");
}

TEST_CASE("AACP wallet-signed requests: window, replay, tampering") {
  auto clock = std::make_shared<ManualClock>(kNowMs);
  auto guard = std::make_shared<MemoryReplayGuard>();
  WalletRequestVerifier verifier({}, guard, clock);
  const std::string wallet = address_of(kKey);
  const std::string stamp = std::to_string(kNowMs - 1000);
  const std::string text = WalletRequestVerifier::message("AACP", "offers", "job_7", kNowMs - 1000);
  CHECK(text == "AACP:offers:job_7:" + stamp);
  const std::string signature = *eth::sign_personal_message(kKey, text);

  auto who = verifier.verify({wallet, signature, stamp}, "offers", "job_7");
  REQUIRE_MESSAGE(who.ok(), who.status().to_string());
  CHECK(verifier.verify({wallet, signature, stamp}, "offers", "job_7").status().detail() ==
        "signature_replayed");
  // The same signature with v spelled 0/1 is the same signature.
  std::string v01 = signature;
  v01.replace(v01.size() - 2, 2, v01.substr(v01.size() - 2) == "1b" ? "00" : "01");
  CHECK(verifier.verify({wallet, v01, stamp}, "offers", "job_7").status().detail() ==
        "signature_replayed");

  const std::string fresh_stamp = std::to_string(kNowMs);
  const std::string fresh = *eth::sign_personal_message(
      kKey, WalletRequestVerifier::message("AACP", "offers", "job_7", kNowMs));
  CHECK(verifier.verify({wallet, fresh, fresh_stamp}, "offers", "job_8").status().detail() ==
        "signer_mismatch");
  CHECK(verifier.verify({address_of(kOtherKey), fresh, fresh_stamp}, "offers", "job_7")
            .status()
            .detail() == "signer_mismatch");
  CHECK(verifier.verify({wallet, fresh, "12a"}, "offers", "job_7").status().detail() ==
        "wallet_bad_timestamp");
  CHECK(verifier.verify({wallet, fresh, ""}, "offers", "job_7").status().detail() ==
        "wallet_headers_missing");
  clock->advance_ms(5 * kMillisecondsPerMinute + 1);
  CHECK(verifier.verify({wallet, fresh, fresh_stamp}, "offers", "job_7").status().detail() ==
        "wallet_timestamp_out_of_window");
}
