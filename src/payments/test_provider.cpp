// The test-mode payment provider: a checkout session is a random id kept in memory; visiting
// its URL completes it. Completion credits with the external reference "test:<session id>",
// so the session pays once however often it is visited; the session stays known (bounded by
// sessions_max) so a repeat visit answers with the first credit.
#include <string>

#include "marketcore/crypto.h"
#include "marketcore/encoding.h"
#include "marketcore/payments.h"

namespace mc::payments {

TestPaymentProvider::TestPaymentProvider(std::string url_path, size_t sessions_max)
    : url_path_(std::move(url_path)), sessions_max_(sessions_max) {}

Result<CheckoutSession> TestPaymentProvider::create_checkout(const CheckoutRequest& request) {
  if (request.amount_cents <= 0) {
    return invalid_argument("amount_not_positive", "the amount must be positive", "amount");
  }
  MC_TRY_ASSIGN(std::string random, crypto::random_bytes(16));
  const std::string id = "cs_test_" + encoding::hex_encode(random);
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= sessions_max_) {
      return Status(Code::resource_exhausted, "checkout_sessions_full",
                    "too many checkout sessions; try again later");
    }
    sessions_.emplace(id, Session{request.market_id, request.party_id, request.amount_cents});
  }
  return CheckoutSession{.id = id, .url = request.return_base_url + url_path_ + "/" + id};
}

Result<PurchaseCredit> TestPaymentProvider::complete(Engine& engine, std::string_view session_id,
                                                     int64_t fee_bps) {
  Session session;
  {
    std::lock_guard lock(mutex_);
    const auto found = sessions_.find(session_id);
    if (found == sessions_.end()) {
      return not_found("checkout_session_not_found", "Checkout session not found");
    }
    session = found->second;
  }
  return credit_purchase(engine, {.market_id = session.market_id,
                                  .party_id = session.party_id,
                                  .amount_cents = session.amount_cents,
                                  .fee_bps = fee_bps,
                                  .provider = name(),
                                  .external_ref = "test:" + std::string(session_id)});
}

}  // namespace mc::payments
