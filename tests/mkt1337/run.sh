#!/usr/bin/env bash
# 1337MKT end to end over loopback: SIWE logins built and signed by the `siwe` package and
# ethers wallets (pinned in package-lock.json, installed by npm ci when the lock changed),
# leads, escrow, contracts, batch accept, disputes, the completion webhook, every route × role,
# and conservation of money. Needs MC_BUILD_DIR (with server/marketcore-server), Node.js ≥ 18
# and npm.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
case "$MC_BUILD_DIR" in /*) ;; *) MC_BUILD_DIR="$(cd ../.. && pwd)/$MC_BUILD_DIR" ;; esac
server="$MC_BUILD_DIR/server/marketcore-server"
[ -x "$server" ] || { echo "missing $server"; exit 1; }
stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund
  echo "$wanted" >"$stamp"
fi
MC_SERVER="$server" node --test e2e.test.mjs
