// server/dialects/j0/j0_api.h — what the j0 route files share: the j0 market, wallet login
// and session tokens (the library's SessionLogin), payment providers and the settings.
//
// Settings come from the environment (secrets stay out of the process list):
//   MARKETCORE_J0_JWT_SECRET             HS256 key for session tokens (≥ 32 bytes); without it
//                                        a random key is made at start-up (tokens end with the
//                                        process)
//   MARKETCORE_J0_HOST                   host named in message_to_sign (default "j0.com")
//   MARKETCORE_J0_STRIPE_WEBHOOK_SECRET  Stripe endpoint signing secret; without it
//                                        /webhooks/stripe refuses every delivery
//   MARKETCORE_J0_DEPOSIT_ADDRESS        USDC deposit address on Base (test mode default: a
//                                        well-known development address)
// The processing fee of purchases is the market's config_json "purchase_fee_bps" (500).
//
// Thread-safety: immutable after construction except the members, which are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "../../router.h"
#include "../../server_context.h"
#include "marketcore/j0.h"
#include "marketcore/payments.h"
#include "marketcore/session_login.h"

namespace mc::server::j0 {

inline constexpr int64_t kSessionTtlS = 86'400;
inline constexpr const char* kCookieName = "j0_token";
inline constexpr const char* kTestCheckoutPath = "/credits/checkout/test";

struct J0Settings {
  std::string host = "j0.com";
  std::string stripe_webhook_secret;
  std::string deposit_address;
  int64_t purchase_fee_bps = payments::kProcessingFeeBpsDefault;
  bool test_mode = true;
};

class J0Api {
 public:
  J0Api(ServerContext& context, mc::j0::J0Market market, std::unique_ptr<SessionLogin> sessions,
        J0Settings settings);

  ServerContext& context() { return context_; }
  mc::j0::J0Market& market() { return market_; }
  // Wallet challenge → session token (audience "j0", kSessionTtlS).
  SessionLogin& sessions() const { return *sessions_; }
  payments::TestPaymentProvider& test_payments() { return test_payments_; }
  const J0Settings& settings() const { return settings_; }
  int64_t now_ms() const { return context_.clock->now_ms(); }

  // Where this dialect is mounted ("" at the root), set when routes are built.
  std::string mounted_prefix;

 private:
  ServerContext& context_;
  mc::j0::J0Market market_;
  std::unique_ptr<SessionLogin> sessions_;
  J0Settings settings_;
  payments::TestPaymentProvider test_payments_;
};

// Parses a positive decimal id from a path or query; not_found/"job_not_found"-style errors
// are the caller's choice: this returns nullopt for anything but 1..2^63-1.
std::optional<int64_t> parse_positive_id(std::string_view text);

std::vector<RouteSpec> auth_routes(J0Api& api);
std::vector<RouteSpec> user_routes(J0Api& api);
std::vector<RouteSpec> credit_routes(J0Api& api);
std::vector<RouteSpec> job_routes(J0Api& api);
std::vector<RouteSpec> ws_routes(J0Api& api);

}  // namespace mc::server::j0
