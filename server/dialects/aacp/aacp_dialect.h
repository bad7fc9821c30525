// server/dialects/aacp/aacp_dialect.h — the AACP API (seed 003) under /aacp/api/v1, or at the
// root as /api/v1/... (the mount prefix replaces "/api/v1").
//
// Public reads as the seed: GET /jobs (filters, page/limit/total), /jobs/:jobId and its
// /snapshots, /dispute, /offers; GET /agents/:agentId and /disputes/:disputeId beside them.
// Writes are wallet-signed: X-Wallet-Address, X-Wallet-Signature, X-Wallet-Timestamp (Unix ms,
// within 5 minutes of the server's clock) over "AACP:<action>:<resourceId>:<timestamp_ms>",
// EIP-191 personal_sign, each signature accepted once (remembered in the engine's database, so
// a restart reopens no replay window). The stand-ins for the contract calls and their signed
// actions are listed in docs/dialects/aacp.md. GET /events streams the market's job events as
// server-sent events from the outbox, resuming after Last-Event-ID. Every rule is the library's
// (marketcore/aacp.h); this file verifies signatures, parses and renders.
// Responses {success:true, data[, pagination]}; errors {success:false, error} with 400, 401,
// 403, 404, 409, 429 (and 500/503 when the server itself fails).
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"

namespace mc::server::aacp {

std::shared_ptr<Dialect> make_aacp_dialect(ServerContext& context);

}  // namespace mc::server::aacp
