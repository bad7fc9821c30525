// j0 challenge logins and AACP wallet-signed requests (see marketcore/wallet_auth.h).
#include "marketcore/wallet_auth.h"

#include <charconv>

#include "common/assert.h"
#include "marketcore/encoding.h"
#include "marketcore/siwe.h"

namespace mc::auth {

ChallengeLogin::ChallengeLogin(ChallengeOptions options, std::shared_ptr<NonceStore> nonces,
                               std::shared_ptr<const Clock> clock)
    : options_(std::move(options)), nonces_(std::move(nonces)), clock_(std::move(clock)) {
  MC_ASSERT(nonces_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

std::string ChallengeLogin::message(std::string_view host, std::string_view nonce,
                                    int64_t timestamp_s) {
  std::string out(host);
  out += " authentication\nNonce: ";
  out += nonce;
  out += "\nTimestamp: " + std::to_string(timestamp_s);
  return out;
}

Result<Challenge> ChallengeLogin::issue(std::string_view wallet_address) {
  MC_TRY_ASSIGN(eth::Address address, eth::parse_address(wallet_address));
  MC_TRY_ASSIGN(std::string nonce, random_alphanumeric(32));
  const int64_t now_ms = clock_->now_ms();
  Challenge challenge;
  challenge.nonce = nonce;
  challenge.timestamp_s = now_ms / 1000;
  challenge.expires_at_ms = now_ms + options_.ttl_ms;
  challenge.message_to_sign = message(options_.host, nonce, challenge.timestamp_s);
  // The record's issued_at is the signed timestamp (whole seconds) so verify() can rebuild
  // the exact text.
  MC_TRY(nonces_->insert({nonce, eth::to_lower_address(address), challenge.timestamp_s * 1000,
                          challenge.expires_at_ms}));
  return challenge;
}

Result<eth::Address> ChallengeLogin::verify(std::string_view wallet_address, std::string_view nonce,
                                            std::string_view signature_hex) {
  MC_TRY_ASSIGN(eth::Address address, eth::parse_address(wallet_address));
  MC_TRY_ASSIGN(NonceRecord record, nonces_->consume(nonce, clock_->now_ms()));
  if (record.subject != eth::to_lower_address(address)) {
    return unauthenticated("challenge_wallet_mismatch", "challenge was issued to another wallet");
  }
  const std::string text = message(options_.host, nonce, record.issued_at_ms / 1000);
  MC_TRY(eth::verify_personal_sign(text, signature_hex, wallet_address));
  return address;
}

WalletRequestVerifier::WalletRequestVerifier(WalletRequestOptions options,
                                             std::shared_ptr<ReplayGuard> replay_guard,
                                             std::shared_ptr<const Clock> clock)
    : options_(std::move(options)),
      replay_guard_(std::move(replay_guard)),
      clock_(std::move(clock)) {
  MC_ASSERT(replay_guard_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

std::string WalletRequestVerifier::message(std::string_view scheme, std::string_view action,
                                           std::string_view resource_id, int64_t timestamp_ms) {
  std::string out(scheme);
  out += ':';
  out += action;
  out += ':';
  out += resource_id;
  out += ':' + std::to_string(timestamp_ms);
  return out;
}

Result<eth::Address> WalletRequestVerifier::verify(const WalletHeaders& headers,
                                                   std::string_view action,
                                                   std::string_view resource_id) {
  if (headers.address.empty() || headers.signature.empty() || headers.timestamp_ms.empty()) {
    return unauthenticated("wallet_headers_missing",
                           "X-Wallet-Address, X-Wallet-Signature and X-Wallet-Timestamp needed");
  }
  MC_TRY_ASSIGN(eth::Address claimed, eth::parse_address(headers.address));
  int64_t timestamp_ms = 0;
  const std::string_view stamp = headers.timestamp_ms;
  const auto [end, error] =
      std::from_chars(stamp.data(), stamp.data() + stamp.size(), timestamp_ms);
  if (error != std::errc() || end != stamp.data() + stamp.size() || timestamp_ms < 0 ||
      stamp.size() > 16) {
    return invalid_argument("wallet_bad_timestamp", "X-Wallet-Timestamp is Unix milliseconds",
                            "X-Wallet-Timestamp");
  }
  const int64_t now_ms = clock_->now_ms();
  if (timestamp_ms < now_ms - options_.window_ms || timestamp_ms > now_ms + options_.window_ms) {
    return unauthenticated("wallet_timestamp_out_of_window", "request timestamp too far from now");
  }
  MC_TRY_ASSIGN(eth::RecoverableSignature signature, eth::parse_signature(headers.signature));
  const std::string text = message(options_.scheme, action, resource_id, timestamp_ms);
  MC_TRY_ASSIGN(eth::Address signer,
                eth::recover_digest(eth::hash_personal_message(text), signature));
  if (!(signer == claimed)) {
    return unauthenticated("signer_mismatch", "the request was signed by another address");
  }
  // Keyed by r || s: the same signature spelled with v = 0/1 or 27/28 is one signature.
  const std::string key = encoding::hex_encode(std::string_view(
      reinterpret_cast<const char*>(signature.compact.data()), signature.compact.size()));
  MC_TRY(replay_guard_->remember(key, timestamp_ms + options_.window_ms + 1, now_ms));
  return claimed;
}

}  // namespace mc::auth
