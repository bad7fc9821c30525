// server/native/native_dialect.h — the native REST API (/v1), Stripe-style.
//
// Auth: `Authorization: Bearer <key>` where key is a party's API key (mc_test_… in test mode,
// mc_live_… in production; created with the party, shown once, stored hashed) or the admin
// secret from the config. Errors: {"error":{"type","code","message","param"}} with the HTTP
// status of errors.h, except the idempotency errors (409, type idempotency_error).
// Idempotency-Key on every mutation. Rate-limit classes: public (per IP), read and write (per
// principal), admin (per IP).
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../dialect.h"
#include "../server_context.h"

namespace mc::server::native {

std::shared_ptr<Dialect> make_native_dialect(ServerContext& context);

// The native error body for `status` (exposed for tests).
Response render_native_error(const Status& status);

}  // namespace mc::server::native
