// bench_auth: verifications per second for the auth paths, next to bare libsecp256k1
// recovery in the same run. Goal: a wallet-signed request (AACP) costs at most 1.2× a bare
// recovery, i.e. hashing, parsing, address comparison and the replay guard are noise.
// Prints figures; never a pass/fail test.
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/ethereum.h"
#include "marketcore/jwt.h"
#include "marketcore/memory_auth_stores.h"
#include "marketcore/siwe.h"
#include "marketcore/wallet_auth.h"
#include "marketcore/webhook_signatures.h"

namespace {

using Clock = std::chrono::steady_clock;

const std::string kKey(32, '\x2a');
constexpr int64_t kNowMs = 1'700'000'000'000;
volatile int sink = 0;

constexpr int kRounds = 3;

// Runs `body(i)` for i = 0..count-1, kRounds times (calling `reset` before each round), and
// returns the best round's operations per second: on a shared machine the best round is the
// one least disturbed by other processes.
template <typename Body, typename Reset>
double measure(int count, Body body, Reset reset) {
  double best = 0;
  for (int round = 0; round < kRounds; ++round) {
    reset();
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) sink = sink + (body(i) ? 1 : 0);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, count / seconds);
  }
  return best;
}

template <typename Body>
double measure(int count, Body body) {
  return measure(count, body, [] {});
}

void print(const char* name, double per_second, double bare) {
  std::printf("%-44s %12.0f /s   %6.3f× bare cost\n", name, per_second, bare / per_second);
}

std::string siwe_text(const std::string& nonce) {
  mc::auth::SiweMessage message;
  message.domain = "market.example";
  message.address = mc::eth::to_checksum_address(*mc::eth::address_of_private_key(kKey));
  message.statement = "Sign in to the market.";
  message.uri = "https://market.example/login";
  message.nonce = nonce;
  message.issued_at = "2023-11-14T22:13:20.000Z";
  message.expiration_time = "2023-11-14T23:13:20.000Z";
  return mc::auth::format_siwe_message(message);
}

}  // namespace

int main() {
  constexpr int kRequests = 4000;
  const std::string address = mc::eth::to_checksum_address(*mc::eth::address_of_private_key(kKey));
  const std::string message = "AACP:offers:job_1:1700000000000";
  const std::string signature = *mc::eth::sign_personal_message(kKey, message);

  // Bare libsecp256k1: parse the compact signature and recover the public key.
  secp256k1_context* context = secp256k1_context_create(SECP256K1_CONTEXT_VERIFY);
  const std::string raw = *mc::encoding::hex_decode(signature);
  const mc::crypto::Digest32 digest = mc::eth::hash_personal_message(message);
  const double bare = measure(kRequests, [&](int) {
    secp256k1_ecdsa_recoverable_signature parsed;
    secp256k1_pubkey key;
    return secp256k1_ecdsa_recoverable_signature_parse_compact(
               context, &parsed, reinterpret_cast<const unsigned char*>(raw.data()),
               static_cast<unsigned char>(raw[64]) - 27) == 1 &&
           secp256k1_ecdsa_recover(context, &key, &parsed, digest.data()) == 1;
  });
  secp256k1_context_destroy(context);

  const double eip191 = measure(kRequests, [&](int) {
    return mc::eth::verify_personal_sign(message, signature, address).ok();
  });

  // AACP: distinct signed requests, each accepted once through the replay guard.
  auto clock = std::make_shared<mc::ManualClock>(kNowMs);
  std::unique_ptr<mc::auth::WalletRequestVerifier> wallet;
  std::vector<std::pair<std::string, std::string>> requests;  // (timestamp, signature)
  for (int i = 0; i < kRequests; ++i) {
    const int64_t stamp = kNowMs - i;
    requests.emplace_back(std::to_string(stamp), *mc::eth::sign_personal_message(
                                                     kKey, mc::auth::WalletRequestVerifier::message(
                                                               "AACP", "offers", "job_1", stamp)));
  }
  const double aacp = measure(
      kRequests,
      [&](int i) {
        return wallet->verify({address, requests[i].second, requests[i].first}, "offers", "job_1")
            .ok();
      },
      [&] {  // a fresh replay guard, so each round's requests are new
        wallet = std::make_unique<mc::auth::WalletRequestVerifier>(
            mc::auth::WalletRequestOptions{}, std::make_shared<mc::auth::MemoryReplayGuard>(),
            clock);
      });

  // SIWE: full server flow with issued single-use nonces.
  std::vector<std::string> issued;
  std::vector<std::pair<std::string, std::string>> logins;  // (text, signature)
  for (int i = 0; i < kRequests; ++i) {
    issued.push_back(*mc::auth::random_alphanumeric(17));
    std::string text = siwe_text(issued.back());
    std::string sig = *mc::eth::sign_personal_message(kKey, text);
    logins.emplace_back(std::move(text), std::move(sig));
  }
  std::unique_ptr<mc::auth::SiweVerifier> siwe;
  const double siwe_rate = measure(
      kRequests, [&](int i) { return siwe->verify(logins[i].first, logins[i].second).ok(); },
      [&] {  // re-issue the same nonces into a fresh store
        auto nonces = std::make_shared<mc::auth::MemoryNonceStore>(kRequests);
        for (const std::string& nonce : issued) {
          nonces->insert({nonce, "", kNowMs, kNowMs + mc::kMillisecondsPerHour}).ignore();
        }
        siwe = std::make_unique<mc::auth::SiweVerifier>(mc::auth::SiweOptions{"market.example"},
                                                        nonces, clock);
      });

  auto jwt = *mc::auth::JwtHs256::create(std::string(32, 'k'));
  const std::string token = *jwt.issue(
      {.subject = "party_1", .issuer = "marketcore", .expires_at_s = kNowMs / 1000 + 3600});
  const double jwt_rate = measure(kRequests * 50, [&](int) {
    return jwt.verify(token, kNowMs, {.issuer = "marketcore"}).ok();
  });

  const std::string body(1024, 'b');
  const std::string header = mc::auth::sign_body_hex("secret", body);
  const double hmac_rate = measure(
      kRequests * 50, [&](int) { return mc::auth::verify_body_hex("secret", body, header).ok(); });

  std::printf("bench_auth (%d distinct signed requests, best of %d rounds; one thread)\n",
              kRequests, kRounds);
  print("bare secp256k1 parse + recover", bare, bare);
  print("EIP-191 verify (hash + recover + compare)", eip191, bare);
  print("AACP wallet-signed request (+ replay guard)", aacp, bare);
  print("SIWE parse + verify + nonce consume", siwe_rate, bare);
  print("JWT HS256 verify", jwt_rate, bare);
  print("HMAC-SHA256 hex check (1 KiB body)", hmac_rate, bare);
  std::printf("wallet-signed / bare recovery cost ratio: %.3f (goal ≤ 1.2)\n", bare / aacp);
  return sink == -1 ? 1 : 0;
}
