// server/dialects/mkt1337/mkt1337_dialect.h — the 1337MKT API (seed 000) under /1337mkt/v1, or
// at the root as /v1/... (the mount prefix replaces "/v1").
//
// Auth: Authorization: Bearer <session JWT from SIWE login | API key "mkt_live_…">. Errors
// {"error": "..."} with 400, 401, 403, 404, 409, 429, 500, 503. Rate limits (fixed one-minute
// windows), the seed's classes: "public" 300/IP, "read" 600/wallet, "write" 60/wallet,
// "batch" 10/wallet, "auth" 10/IP, "webhook" 300/task (the lead named in the body). Every rule
// is the library's (marketcore/mkt1337.h); this file parses, authenticates and renders.
//
// Settings from the environment: MARKETCORE_1337MKT_JWT_SECRET (HS256 key, ≥ 32 bytes; random
// at start-up without it), MARKETCORE_1337MKT_DOMAIN (the SIWE domain; in test mode without
// it, the Host the request came to).
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"

namespace mc::server::mkt1337 {

std::shared_ptr<Dialect> make_mkt1337_dialect(ServerContext& context);

}  // namespace mc::server::mkt1337
