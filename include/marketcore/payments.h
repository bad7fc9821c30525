// marketcore/payments.h — buying credits through a payment provider, credited exactly once.
//
// A PaymentProvider creates checkout sessions (a URL the buyer visits). When the provider
// reports a completed purchase, credit_purchase() deposits the cash into the buyer's
// `available` account with the provider's event id as the external reference, so a
// redelivered notification never credits twice. Cash credited is the amount paid less a
// processing fee: cash = floor(amount × (10 000 − fee_bps) / 10 000) (5 % by default:
// $10.00 → 950 cents).
//
// Two providers ship:
//   TestPaymentProvider  test mode: the checkout URL is on the host's own server and completes
//                        the purchase (once) when visited; sessions live in memory, bounded.
//   Stripe               handle_stripe_webhook() verifies the Stripe-Signature header
//                        (t=…,v1=… HMAC-SHA256, 5-minute tolerance) and credits each
//                        checkout.session.completed event id once; the buyer is the session's
//                        metadata.user_id (or client_reference_id), the amount its
//                        amount_total in cents.
// The ledger reason of a purchase is "purchase:<provider>:<amount paid in cents>", so a
// dialect can describe it ("Purchased via Stripe ($10.00)").
//
// Thread-safety: credit_purchase and handle_stripe_webhook are reentrant (the Engine is
// thread-safe); TestPaymentProvider takes an internal mutex.
//
// Example:
//   MC_TRY_ASSIGN(mc::payments::StripeWebhookOutcome outcome,
//                 mc::payments::handle_stripe_webhook(engine, market_id, {.secret = secret},
//                                                     body, header, clock.now_ms()));
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "marketcore/clock.h"
#include "marketcore/engine.h"
#include "marketcore/status.h"

namespace mc::payments {

inline constexpr int64_t kProcessingFeeBpsDefault = 500;

struct CheckoutRequest {
  MarketId market_id = 0;
  PartyId party_id = 0;
  int64_t amount_cents = 0;     // what the buyer pays, in USD cents
  std::string return_base_url;  // where the provider's pages may send the buyer back
};

struct CheckoutSession {
  std::string id;   // "cs_test_…"
  std::string url;  // where the buyer goes to pay
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  // "test", "stripe": written into the purchase's ledger reason.
  virtual std::string name() const = 0;
  // Returns invalid_argument for a non-positive amount; provider-specific failures.
  virtual Result<CheckoutSession> create_checkout(const CheckoutRequest& request) = 0;
};

// amount − processing fee (the fee rounded up). invalid_argument/"bad_fee_bps" outside
// 0–10 000; out_of_range on overflow.
Result<int64_t> cash_after_fee(int64_t amount_cents, int64_t fee_bps);

struct Purchase {
  MarketId market_id = 0;
  PartyId party_id = 0;
  int64_t amount_cents = 0;  // paid
  int64_t fee_bps = kProcessingFeeBpsDefault;
  std::string provider;      // "stripe", "test"
  std::string external_ref;  // "<provider>:<event or session id>", credited once ever
};

struct PurchaseCredit {
  int64_t cash_credited_cents = 0;
  MoneyMovement movement;  // replayed = this reference was credited before
};

// Deposits the purchase's cash. A repeat of the same external_ref returns the first credit
// with movement.replayed set. Returns the engine's deposit codes (not_found/
// "party_not_found", already_exists/"external_ref_used") and cash_after_fee's.
Result<PurchaseCredit> credit_purchase(Engine& engine, const Purchase& purchase);

// Parses "purchase:<provider>:<cents>" reasons; nullopt for anything else.
struct PurchaseReason {
  std::string provider;
  int64_t amount_cents = 0;
};
std::optional<PurchaseReason> parse_purchase_reason(std::string_view reason);

// --- test provider -----------------------------------------------------------------------

class TestPaymentProvider final : public PaymentProvider {
 public:
  // `url_path` is appended to the request's return_base_url, then "/<session id>".
  TestPaymentProvider(std::string url_path, size_t sessions_max = 100'000);

  std::string name() const override { return "test"; }
  // Returns resource_exhausted/"checkout_sessions_full" when full of open sessions.
  Result<CheckoutSession> create_checkout(const CheckoutRequest& request) override;
  // Completes a session: credits it once (a second visit replays the first credit).
  // not_found/"checkout_session_not_found".
  Result<PurchaseCredit> complete(Engine& engine, std::string_view session_id, int64_t fee_bps);

 private:
  struct Session {
    MarketId market_id = 0;
    PartyId party_id = 0;
    int64_t amount_cents = 0;
  };
  const std::string url_path_;
  const size_t sessions_max_;
  std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;
};

// --- Stripe --------------------------------------------------------------------------------

struct StripeWebhookOptions {
  std::string secret;  // the endpoint's signing secret ("whsec_…")
  int64_t tolerance_s = 300;
  int64_t fee_bps = kProcessingFeeBpsDefault;
};

struct StripeWebhookOutcome {
  std::string event_id;
  std::string event_type;
  bool credited = false;  // a checkout.session.completed that credited (now or before)
  std::optional<PurchaseCredit> credit;
  PartyId party_id = 0;
};

// Verifies and applies one Stripe webhook delivery to `market`. Events other than a paid
// checkout.session.completed are acknowledged and ignored.
// Returns, in order: verify_stripe_signature's unauthenticated codes; invalid_argument/
// "malformed_event" (not an event object, no id/type, a completed session without
// amount_total or a user id, a currency other than usd); not_found/"party_not_found" (the
// user is not in the market); credit_purchase's codes.
Result<StripeWebhookOutcome> handle_stripe_webhook(Engine& engine, MarketId market,
                                                   const StripeWebhookOptions& options,
                                                   std::string_view body,
                                                   std::string_view signature_header,
                                                   int64_t now_ms);

}  // namespace mc::payments
