// SIWE verification: the checks of one message (verify_siwe) and the server flow with issued,
// single-use nonces (SiweVerifier). Order: cheap field checks first, then the signature, and
// the nonce last so that a forged signature cannot burn a legitimate user's nonce.
#include <algorithm>

#include "common/assert.h"
#include "marketcore/crypto.h"
#include "marketcore/ethereum.h"
#include "marketcore/siwe.h"

namespace mc::auth {

Status verify_siwe(const SiweMessage& message, std::string_view text,
                   std::string_view signature_hex, const SiweChecks& checks) {
  if (message.domain != checks.domain) {
    return unauthenticated("siwe_domain_mismatch", "message is for another domain");
  }
  if (checks.nonce && message.nonce != *checks.nonce) {
    return unauthenticated("siwe_nonce_mismatch", "message carries another nonce");
  }
  if (message.expiration_time_ms && checks.now_ms >= *message.expiration_time_ms) {
    return unauthenticated("siwe_expired", "message expired");
  }
  if (message.not_before_ms && checks.now_ms < *message.not_before_ms) {
    return unauthenticated("siwe_not_yet_valid", "message is not valid yet");
  }
  if (checks.issued_at_future_ms_max &&
      message.issued_at_ms > checks.now_ms + *checks.issued_at_future_ms_max) {
    return unauthenticated("siwe_issued_in_future", "issued-at is in the future");
  }
  return eth::verify_personal_sign(text, signature_hex, message.address);
}

Result<std::string> random_alphanumeric(size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    MC_TRY_ASSIGN(std::string bytes, crypto::random_bytes(length * 2));
    for (char byte : bytes) {
      const uint8_t value = static_cast<uint8_t>(byte);
      if (value >= 248) continue;  // 248 = 4 * 62: keeps the choice unbiased
      out += kAlphabet[value % 62];
      if (out.size() == length) break;
    }
  }
  return out;
}

SiweVerifier::SiweVerifier(SiweOptions options, std::shared_ptr<NonceStore> nonces,
                           std::shared_ptr<const Clock> clock)
    : options_(std::move(options)), nonces_(std::move(nonces)), clock_(std::move(clock)) {
  MC_ASSERT(!options_.domain.empty());
  MC_ASSERT(nonces_ != nullptr);
  MC_ASSERT(clock_ != nullptr);
}

Result<std::string> SiweVerifier::issue_nonce() {
  MC_TRY_ASSIGN(std::string nonce, random_alphanumeric(17));
  const int64_t now_ms = clock_->now_ms();
  MC_TRY(nonces_->insert({nonce, "", now_ms, now_ms + options_.nonce_ttl_ms}));
  return nonce;
}

Result<SiweMessage> SiweVerifier::verify(std::string_view text, std::string_view signature_hex) {
  MC_TRY_ASSIGN(SiweMessage message, parse_siwe_message(text));
  if (!options_.uri_prefix.empty() && message.uri.rfind(options_.uri_prefix, 0) != 0) {
    return unauthenticated("siwe_uri_mismatch", "message URI is not ours");
  }
  if (!options_.chain_ids.empty() && std::find(options_.chain_ids.begin(), options_.chain_ids.end(),
                                               message.chain_id) == options_.chain_ids.end()) {
    return unauthenticated("siwe_chain_not_allowed", "chain id not accepted");
  }
  const int64_t now_ms = clock_->now_ms();
  SiweChecks checks{options_.domain, std::nullopt, now_ms, options_.issued_at_skew_ms};
  MC_TRY(verify_siwe(message, text, signature_hex, checks));
  MC_TRY_ASSIGN(NonceRecord record, nonces_->consume(message.nonce, now_ms));
  if (!record.subject.empty()) {
    // A nonce issued for a j0 challenge is not a SIWE nonce.
    return unauthenticated("nonce_unknown", "nonce was not issued for SIWE");
  }
  return message;
}

}  // namespace mc::auth
