// marketcore/siwe.h — Sign-In with Ethereum (EIP-4361): strict parsing and verification.
//
// parse_siwe_message() follows the EIP's ABNF line by line: fields in their fixed order,
// an EIP-55 checksummed address, RFC 3986 authority/URIs, RFC 3339 times with calendar
// checks, version "1", nonce of ≥ 8 alphanumerics. format_siwe_message() is its inverse.
// SiweVerifier adds the server-side checks: the domain is ours, the times hold against the
// injected clock, the signature recovers to the message's address, and the nonce is one we
// issued and is consumed exactly once (via NonceStore, last, so a bad signature does not
// burn a nonce).
//
// Thread-safety: free functions are reentrant; SiweVerifier is safe for concurrent use if its
// NonceStore is (all marketcore stores are).
//
// Example:
//   mc::auth::SiweVerifier siwe({.domain = "market.example"}, nonces, clock);
//   MC_TRY_ASSIGN(std::string nonce, siwe.issue_nonce());       // → client builds message
//   MC_TRY_ASSIGN(mc::auth::SiweMessage login, siwe.verify(message_text, signature_hex));
//   // login.address is the authenticated wallet.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marketcore/auth_stores.h"
#include "marketcore/clock.h"
#include "marketcore/status.h"

namespace mc::auth {

struct SiweMessage {
  std::string scheme;   // optional "https" of "https://domain", else empty
  std::string domain;   // RFC 3986 authority
  std::string address;  // EIP-55 checksummed, as in the message
  std::optional<std::string> statement;
  std::string uri;
  std::string version = "1";
  uint64_t chain_id = 1;
  std::string nonce;
  std::string issued_at;  // RFC 3339, as in the message
  std::optional<std::string> expiration_time;
  std::optional<std::string> not_before;
  std::optional<std::string> request_id;
  std::vector<std::string> resources;

  // Parsed times (filled by parse_siwe_message).
  int64_t issued_at_ms = 0;
  std::optional<int64_t> expiration_time_ms;
  std::optional<int64_t> not_before_ms;
};

// Parses an EIP-4361 message.
// Returns: invalid_argument with a detail naming the first offending part:
// "siwe_bad_header", "siwe_bad_domain", "siwe_bad_scheme", "siwe_bad_address",
// "siwe_bad_statement", "siwe_bad_layout", "siwe_bad_uri", "siwe_bad_version",
// "siwe_bad_chain_id", "siwe_bad_nonce", "siwe_bad_issued_at", "siwe_bad_expiration_time",
// "siwe_bad_not_before", "siwe_bad_request_id", "siwe_bad_resource", "siwe_trailing_data",
// "siwe_too_long". Never crashes on any input.
Result<SiweMessage> parse_siwe_message(std::string_view text);

// The EIP-4361 text of `message` (the `*_ms` fields are ignored). Does not validate: pass the
// result to parse_siwe_message to check a message built from fields.
std::string format_siwe_message(const SiweMessage& message);

// Checks of one already-parsed message, for hosts that manage nonces themselves.
struct SiweChecks {
  std::string_view domain;                         // required equal to message.domain
  std::optional<std::string_view> nonce;           // if set, required equal
  int64_t now_ms = 0;                              // expiration/not-before are judged at this
  std::optional<int64_t> issued_at_future_ms_max;  // if set, refuse issued-at > now + this
};

// Verifies domain, nonce, times and signature of a parsed message whose text is `text`.
// Returns, in this order: unauthenticated/"siwe_domain_mismatch", "siwe_nonce_mismatch",
// "siwe_expired", "siwe_not_yet_valid", "siwe_issued_in_future"; the codes of
// eth::recover_personal_sign; unauthenticated/"signer_mismatch".
Status verify_siwe(const SiweMessage& message, std::string_view text,
                   std::string_view signature_hex, const SiweChecks& checks);

struct SiweOptions {
  // The authority the login page is served from (e.g. "market.example" or "localhost:8080").
  std::string domain;
  // If non-empty, message.uri must start with this.
  std::string uri_prefix;
  // If non-empty, the chain id must be one of these.
  std::vector<uint64_t> chain_ids;
  // Lifetime of an issued nonce. Default 10 minutes.
  int64_t nonce_ttl_ms = 10 * kMillisecondsPerMinute;
  // Tolerated clock skew for issued-at in the future. Default 5 minutes.
  int64_t issued_at_skew_ms = 5 * kMillisecondsPerMinute;
};

class SiweVerifier {
 public:
  // Requires: options.domain non-empty; nonces and clock non-null.
  SiweVerifier(SiweOptions options, std::shared_ptr<NonceStore> nonces,
               std::shared_ptr<const Clock> clock);

  // A fresh 17-character alphanumeric nonce (≈101 bits), stored until now + nonce_ttl_ms.
  // Returns: the NonceStore's insert codes.
  Result<std::string> issue_nonce();

  // Parses and verifies a login. On success the nonce is spent.
  // Returns: parse codes; unauthenticated/"siwe_uri_mismatch", "siwe_chain_not_allowed";
  // verify_siwe's codes; then NonceStore::consume's ("nonce_unknown", "nonce_expired").
  Result<SiweMessage> verify(std::string_view text, std::string_view signature_hex);

 private:
  SiweOptions options_;
  std::shared_ptr<NonceStore> nonces_;
  std::shared_ptr<const Clock> clock_;
};

// A random alphanumeric string of `length` characters (rejection-sampled, unbiased).
// Returns: internal/"random_failed".
Result<std::string> random_alphanumeric(size_t length);

}  // namespace mc::auth
