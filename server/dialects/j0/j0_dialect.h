// server/dialects/j0/j0_dialect.h — the j0 API (seed 001) under /j0/api/v1 (or the root).
//
// Auth: a session token from POST /auth/verify, as `Authorization: Bearer <token>`, as the
// j0_token cookie, and on the WebSocket also as `?token=`. A malformed or expired Bearer
// token is 401; a stale cookie counts as no credential (so a client can log in again).
// Errors: {"error", "code"}; 429: {"error":"Rate limit exceeded","retry_after":N}.
// Rate-limit classes: "ip" (routes without a token, 1,200/min per IP) and "user" (routes with
// one, 600/min per user); both configurable as j0.ip and j0.user.
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"

namespace mc::server::j0 {

std::shared_ptr<Dialect> make_j0_dialect(ServerContext& context);

}  // namespace mc::server::j0
