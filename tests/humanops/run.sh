#!/usr/bin/env bash
# HumanOps end to end over loopback: the seed's Getting Started run literally with curl, the
# E2EE credential flow with WebCrypto on both ends, signed callbacks checked as the seed's
# Express receiver checks them, a local verifier that approves, flags, rejects, fails and
# hangs, two operators racing to accept, deadlines, the 7-day hold and payouts on the test
# clock, uploads and their rate limit, who may see what, and money conservation after every
# scenario; then the MCP server over stdio and streamable HTTP with @modelcontextprotocol/sdk
# (pinned in mcp/package-lock.json, installed by npm ci). Needs MC_BUILD_DIR (with
# server/marketcore-server), Node.js ≥ 18, npm and curl.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
case "$MC_BUILD_DIR" in /*) ;; *) MC_BUILD_DIR="$(cd ../.. && pwd)/$MC_BUILD_DIR" ;; esac
server="$MC_BUILD_DIR/server/marketcore-server"
[ -x "$server" ] || { echo "missing $server"; exit 1; }
command -v curl >/dev/null || { echo "curl is required"; exit 1; }
MC_SERVER="$server" node --test e2e.test.mjs
# The MCP server with the official client; install the pinned SDK only when node_modules is
# missing or the lock file changed.
cd mcp
stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund
  echo "$wanted" >"$stamp"
fi
MC_SERVER="$server" node --test mcp.test.mjs
