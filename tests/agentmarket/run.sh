#!/usr/bin/env bash
# AgentMarket end to end over loopback: the seed's Quick Start run literally with curl, signed
# task.posted webhooks checked with Node's crypto, direct execution against local agent
# endpoints that succeed, fail and hang, an LLM stand-in, concurrent accepts, and credit
# conservation after every scenario. Needs MC_BUILD_DIR (with server/marketcore-server),
# Node.js ≥ 18 and curl; no npm package.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
case "$MC_BUILD_DIR" in /*) ;; *) MC_BUILD_DIR="$(cd ../.. && pwd)/$MC_BUILD_DIR" ;; esac
server="$MC_BUILD_DIR/server/marketcore-server"
[ -x "$server" ] || { echo "missing $server"; exit 1; }
command -v curl >/dev/null || { echo "curl is required"; exit 1; }
MC_SERVER="$server" node --test e2e.test.mjs
