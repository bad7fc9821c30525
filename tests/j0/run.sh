#!/usr/bin/env bash
# End-to-end tests of the j0 dialect: marketcore-server on loopback, driven by real npm clients
# (ethers wallets, Stripe's own webhook signing, the ws WebSocket client) with node --test.
# Needs MC_BUILD_DIR (a build with server/marketcore-server) and Node.js ≥ 18.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
server="$MC_BUILD_DIR/server/marketcore-server"
case "$server" in /*) ;; *) server="$(cd ../.. && pwd)/$server" ;; esac
[ -x "$server" ] || { echo "missing $server (build the marketcore-server target)"; exit 1; }
# Install the pinned clients only when node_modules is missing or the lock file changed.
stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund
  echo "$wanted" >"$stamp"
fi
MC_SERVER="$server" node --test j0.test.mjs
