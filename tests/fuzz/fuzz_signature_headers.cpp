// Fuzzes the signature-header parsers: Stripe-Signature, Standard Webhooks, hex and sha256=
// bodies, Ethereum signatures and addresses, AACP wallet headers, API keys. The first line of
// the input is the header, the rest the body. Nothing may crash; every refusal is typed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "marketcore/api_keys.h"
#include "marketcore/ethereum.h"
#include "marketcore/memory_auth_stores.h"
#include "marketcore/wallet_auth.h"
#include "marketcore/webhook_signatures.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const int64_t now_ms = 1'700'000'000'000;

  (void)mc::auth::verify_stripe_signature("whsec_fuzz", body, header, now_ms);
  (void)mc::auth::verify_standard_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1",
                                          "1700000000", header, body, now_ms);
  (void)mc::auth::verify_standard_webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", header,
                                          "v1,AAAA", body, now_ms);
  (void)mc::auth::verify_body_hex("secret", body, header);
  (void)mc::auth::verify_body_sha256_prefixed("secret", body, header);
  (void)mc::eth::parse_signature(header);
  (void)mc::eth::parse_address(header);
  (void)mc::eth::recover_personal_sign(body, header);
  (void)mc::auth::api_key_checksum_valid(header);

  static auto clock = std::make_shared<mc::ManualClock>(now_ms);
  static auto guard = std::make_shared<mc::auth::MemoryReplayGuard>(1000);
  static mc::auth::WalletRequestVerifier wallet({}, guard, clock);
  (void)wallet.verify({"0x2c7536E3605D9C16a7a3D7b1898e529396a65c23", header, body}, "offers",
                      "job_1");
  return 0;
}
