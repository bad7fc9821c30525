// server/dialects/humanops/humanops_dialect.h — the HumanOps API (seed 004) under
// /humanops/api/v1, or at the root as /api/v1/... (the mount prefix replaces "/api/v1").
//
// Auth: agents X-API-Key (ho_test_ / ho_live_); operators Authorization: Bearer <JWT>
// (operator_auth.h) or, in test mode, X-Operator-Id; POST /agents/register needs X-Admin-Key
// in production. Errors {"error": "..."} with 400, 401, 402, 403, 404, 409, 410, 429, 500, 503.
// Rate limits per IP and path, fixed one-minute windows: 10 for POST /operator/upload (class
// "humanops.upload"), 100 for everything else ("humanops.api"). Every rule is the library's
// (marketcore/humanops.h); this file parses, authenticates and renders. Beside the routes it
// registers the callback renderer of the market and the verification component
// (verification_component.h) in the ServerContext.
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"

namespace mc::server::humanops {

std::shared_ptr<Dialect> make_humanops_dialect(ServerContext& context);

}  // namespace mc::server::humanops
