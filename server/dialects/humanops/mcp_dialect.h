// server/dialects/humanops/mcp_dialect.h — the HumanOps MCP server over streamable HTTP at
// /humanops/mcp (mcp_server.h), and over stdio for `marketcore-server --mcp-stdio`.
//
// HTTP: POST one JSON-RPC message with the agent's API key (X-API-Key, or Authorization:
// Bearer <key>); 200 application/json with the answer, 202 for a notification. GET and DELETE
// are 405 (no server-initiated stream, no sessions). Rate limit: 100 per minute per IP and
// path ("humanops-mcp.mcp"). When HumanOps is served alone at the root, its dialect answers
// POST /mcp the same way (humanops_dialect.cpp).
//
// stdio: reads one message per line from stdin and writes one answer per line to stdout, as
// the agent whose key is in HUMANOPS_API_KEY, over the database of --database; logs go to
// stderr. Returns the process exit code.
//
// Thread-safety: as Dialect.
#pragma once

#include <memory>

#include "../../dialect.h"
#include "../../server_context.h"
#include "marketcore/humanops.h"
#include "mcp_server.h"

namespace mc::server::humanops {

std::shared_ptr<Dialect> make_humanops_mcp_dialect(ServerContext& context);

// The HTTP exchange of one MCP POST (shared by the /humanops/mcp dialect and the root route).
Result<Response> mcp_http_exchange(McpServer& server, mc::humanops::Service& service,
                                   const Request& request);

int run_mcp_stdio(const ServerConfig& config);

}  // namespace mc::server::humanops
