#!/usr/bin/env bash
# HumanOps end to end over loopback: the seed's Getting Started run literally with curl, the
# E2EE credential flow with WebCrypto on both ends, signed callbacks checked as the seed's
# Express receiver checks them, a local verifier that approves, flags, rejects, fails and
# hangs, two operators racing to accept, deadlines, the 7-day hold and payouts on the test
# clock, uploads and their rate limit, who may see what, and money conservation after every
# scenario. Needs MC_BUILD_DIR (with server/marketcore-server), Node.js ≥ 18 and curl; no npm
# package.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
case "$MC_BUILD_DIR" in /*) ;; *) MC_BUILD_DIR="$(cd ../.. && pwd)/$MC_BUILD_DIR" ;; esac
server="$MC_BUILD_DIR/server/marketcore-server"
[ -x "$server" ] || { echo "missing $server"; exit 1; }
command -v curl >/dev/null || { echo "curl is required"; exit 1; }
MC_SERVER="$server" node --test e2e.test.mjs
