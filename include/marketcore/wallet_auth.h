// marketcore/wallet_auth.h — wallet logins and wallet-signed requests (EIP-191 personal_sign).
//
// ChallengeLogin is j0's flow: issue() gives a single-use nonce bound to the wallet and the
// text to sign, "<host> authentication\nNonce: <nonce>\nTimestamp: <unix s>"; verify() spends
// the challenge (whatever the outcome, so a challenge cannot be brute-forced) and checks the
// signer is that wallet.
// WalletRequestVerifier is AACP's per-request scheme: headers X-Wallet-Address,
// X-Wallet-Signature, X-Wallet-Timestamp (Unix ms) over "AACP:<action>:<id>:<timestamp_ms>";
// the timestamp must be within the window (default 5 minutes either way) and each signature
// is accepted once (ReplayGuard, keyed by the normalised r || s).
//
// Thread-safety: both classes are safe for concurrent use if their stores are.
//
// Example:
//   mc::auth::ChallengeLogin j0({.host = "j0.com"}, nonces, clock);
//   MC_TRY_ASSIGN(mc::auth::Challenge challenge, j0.issue(public_key));
//   MC_TRY_ASSIGN(mc::eth::Address who, j0.verify(public_key, nonce, signature));
//
//   mc::auth::WalletRequestVerifier aacp({}, replay_guard, clock);
//   MC_TRY_ASSIGN(mc::eth::Address who,
//                 aacp.verify({address, signature, timestamp}, "offers", job_id));
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/ethereum.h"
#include "marketcore/status.h"

namespace mc::auth {

struct ChallengeOptions {
  // Host name shown in the message ("j0.com" in the seed; from configuration).
  std::string host = "j0.com";
  // How long a challenge may be answered. Default 60 s.
  int64_t ttl_ms = 60 * kMillisecondsPerSecond;
};

struct Challenge {
  std::string nonce;
  int64_t timestamp_s = 0;
  std::string message_to_sign;
  int64_t expires_at_ms = 0;
};

class ChallengeLogin {
 public:
  // Requires: nonces and clock non-null.
  ChallengeLogin(ChallengeOptions options, std::shared_ptr<NonceStore> nonces,
                 std::shared_ptr<const Clock> clock);

  // Returns: invalid_argument/"bad_address" or "bad_address_checksum"; the store's codes.
  Result<Challenge> issue(std::string_view wallet_address);
  // Returns, in order: invalid_argument/"bad_address"…; NonceStore::consume's codes;
  // unauthenticated/"challenge_wallet_mismatch" (nonce issued to another wallet); the codes
  // of eth::verify_personal_sign.
  Result<eth::Address> verify(std::string_view wallet_address, std::string_view nonce,
                              std::string_view signature_hex);

  // The text a wallet signs for a challenge.
  static std::string message(std::string_view host, std::string_view nonce, int64_t timestamp_s);

 private:
  ChallengeOptions options_;
  std::shared_ptr<NonceStore> nonces_;
  std::shared_ptr<const Clock> clock_;
};

struct WalletRequestOptions {
  // First element of the signed message.
  std::string scheme = "AACP";
  // Accepted distance between the request timestamp and now, either way. Default 5 minutes.
  int64_t window_ms = 5 * kMillisecondsPerMinute;
};

struct WalletHeaders {
  std::string_view address;       // X-Wallet-Address
  std::string_view signature;     // X-Wallet-Signature
  std::string_view timestamp_ms;  // X-Wallet-Timestamp
};

class WalletRequestVerifier {
 public:
  // Requires: replay_guard and clock non-null.
  WalletRequestVerifier(WalletRequestOptions options, std::shared_ptr<ReplayGuard> replay_guard,
                        std::shared_ptr<const Clock> clock);

  // Verifies a wallet-signed request for `action` on `resource_id`.
  // Returns, in order: unauthenticated/"wallet_headers_missing"; invalid_argument/
  // "bad_address"…; invalid_argument/"wallet_bad_timestamp"; unauthenticated/
  // "wallet_timestamp_out_of_window"; the codes of eth::parse_signature and
  // eth::verify_personal_sign; ReplayGuard's "signature_replayed".
  Result<eth::Address> verify(const WalletHeaders& headers, std::string_view action,
                              std::string_view resource_id);

  // "<scheme>:<action>:<resource_id>:<timestamp_ms>".
  static std::string message(std::string_view scheme, std::string_view action,
                             std::string_view resource_id, int64_t timestamp_ms);

 private:
  WalletRequestOptions options_;
  std::shared_ptr<ReplayGuard> replay_guard_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace mc::auth
