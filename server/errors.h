// server/errors.h — the one table from mc::Status to an HTTP status code.
//
// Every dialect takes the status code from here (a dialect may refine a few details its seed
// documents differently) and renders its own body. Transport-level failures (body or header
// too large, unknown route, wrong method) are Status values with the details below so that
// they flow through the same table and the same dialect renderers.
//
// Thread-safety: pure functions.
#pragma once

#include "marketcore/errors.h"
#include "marketcore/status.h"

namespace mc::server {

// Details the transport and the router produce.
inline constexpr const char* kDetailBodyTooLarge = "body_too_large";
inline constexpr const char* kDetailHeaderTooLarge = "header_too_large";
inline constexpr const char* kDetailRouteNotFound = "route_not_found";
inline constexpr const char* kDetailMethodNotAllowed = "method_not_allowed";
inline constexpr const char* kDetailRateLimited = "rate_limited";
inline constexpr const char* kDetailOverloaded = "server_overloaded";
inline constexpr const char* kDetailShuttingDown = "shutting_down";
inline constexpr const char* kDetailMalformedJson = "malformed_json";
inline constexpr const char* kDetailIdempotencyKeyReused = "idempotency_key_reused";
inline constexpr const char* kDetailIdempotencyKeyInUse = "idempotency_key_in_use";

// HTTP status for a failed Status: invalid_argument 400, unauthenticated 401,
// permission_denied 403, not_found 404, already_exists and aborted 409, failed_precondition
// 409 (402 for insufficient_funds), out_of_range 400, resource_exhausted 429, unavailable and
// deadline_exceeded 503, internal and data_loss 500; plus the transport details above (413,
// 431, 405). Requires: !status.ok().
int http_status_for(const Status& status);

}  // namespace mc::server
