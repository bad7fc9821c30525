#!/usr/bin/env bash
# Webhook delivery checked by a real client: the standardwebhooks npm package verifies the
# signatures marketcore-server sends (tests/interop/webhook_delivery.test.mjs, which shares
# tests/interop's pinned node_modules). Needs MC_BUILD_DIR and Node.js >= 18.
set -euo pipefail
cd "$(dirname "$0")/../interop"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
server="$MC_BUILD_DIR/server/marketcore-server"
[ -x "$server" ] || { echo "missing $server"; exit 1; }
stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund
  echo "$wanted" >"$stamp"
fi
MC_SERVER="$server" node --test webhook_delivery.test.mjs
