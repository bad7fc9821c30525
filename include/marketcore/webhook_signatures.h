// marketcore/webhook_signatures.h — HMAC-SHA256 webhook signatures in each dialect's scheme.
//
//   hex       X-HumanOps-Signature, x-webhook-signature (1337MKT): hex HMAC of the raw body
//   sha256=   X-AgentMarket-Signature: "sha256=" + hex HMAC of the raw body
//   Stripe    Stripe-Signature: "t=<unix s>,v1=<hex>[,v1=<hex>…]" over "<t>.<body>", with a
//             tolerance (default 5 minutes); any v1 may match (secret rotation)
//   Standard Webhooks (native API): webhook-id, webhook-timestamp, webhook-signature
//             "v1,<base64>" (space-separated list) over "<id>.<timestamp>.<body>", secret
//             "whsec_<base64>"
// Every comparison is constant-time; hex is accepted in either case.
//
// Thread-safety: all functions are pure and reentrant.
//
// Example:
//   std::string header = mc::auth::sign_body_hex(secret, body);         // outgoing callback
//   MC_TRY(mc::auth::verify_stripe_signature(secret, body, header, clock.now_ms()));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "marketcore/status.h"

namespace mc::auth {

// Verification codes (all unauthenticated): "webhook_signature_missing" (empty header),
// "webhook_signature_malformed", "webhook_timestamp_out_of_tolerance",
// "webhook_bad_signature". A bad secret is invalid_argument/"webhook_bad_secret".

std::string sign_body_hex(std::string_view secret, std::string_view body);
Status verify_body_hex(std::string_view secret, std::string_view body, std::string_view header);

std::string sign_body_sha256_prefixed(std::string_view secret, std::string_view body);
Status verify_body_sha256_prefixed(std::string_view secret, std::string_view body,
                                   std::string_view header);

constexpr int64_t kWebhookToleranceSDefault = 300;

// "t=<timestamp_s>,v1=<hex>".
std::string sign_stripe(std::string_view secret, std::string_view body, int64_t timestamp_s);
// Accepts if any v1 matches and |now - t| ≤ tolerance_s. Unknown schemes (v0) are ignored.
Status verify_stripe_signature(std::string_view secret, std::string_view body,
                               std::string_view header, int64_t now_ms,
                               int64_t tolerance_s = kWebhookToleranceSDefault);

// "v1,<base64>". Returns: invalid_argument/"webhook_bad_secret" unless the secret is
// "whsec_" + base64 (the prefix is optional) of at least 16 bytes.
Result<std::string> sign_standard_webhook(std::string_view secret, std::string_view message_id,
                                          int64_t timestamp_s, std::string_view body);
Status verify_standard_webhook(std::string_view secret, std::string_view message_id,
                               std::string_view timestamp_header, std::string_view signature_header,
                               std::string_view body, int64_t now_ms,
                               int64_t tolerance_s = kWebhookToleranceSDefault);

}  // namespace mc::auth
