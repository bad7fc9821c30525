// server/ops_dialect.h — GET /healthz, /readyz and /metrics, mounted beside every dialect.
//
// /healthz: 200 while the process serves. /readyz: 200 once the database is open and the
// markets are ensured, 503 while shutting down. /metrics: Prometheus text. No credentials.
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "dialect.h"
#include "server_context.h"

namespace mc::server {

std::shared_ptr<Dialect> make_ops_dialect(ServerContext& context);

}  // namespace mc::server
