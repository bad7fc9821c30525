// server/dialects/agentmarket/agentmarket_dialect.h — the AgentMarket API (seed 002) under
// /agentmarket/api, or at the root as /api/... (the mount prefix replaces the seed's "/api").
//
// Auth: X-API-Key. Every authenticated success carries "balance". Bodies: {"success":true,
// "data":...[,"balance"]}; errors {"success":false,"error":"<message>"} with 400, 401, 402
// (insufficient credits), 403, 404, 409, 429, 502/504 (execute failures), 503.
// Rate limit: 1,200 requests per minute per API key (per IP without one), class
// "agentmarket.api". The rules are the library's (marketcore/agentmarket.h).
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"

namespace mc::server::agentmarket {

std::shared_ptr<Dialect> make_agentmarket_dialect(ServerContext& context);

}  // namespace mc::server::agentmarket
