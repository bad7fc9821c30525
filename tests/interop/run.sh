#!/usr/bin/env bash
# Interop: messages, tokens, webhooks and ciphertexts exchanged between marketcore and real
# npm clients (ethers, siwe, jose, standardwebhooks, stripe, Node's WebCrypto).
# Needs MC_BUILD_DIR (the build with tests/interop/mc_auth_tool) and Node.js ≥ 18.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
tool="$MC_BUILD_DIR/tests/interop/mc_auth_tool"
[ -x "$tool" ] || { echo "missing $tool (build with MC_BUILD_TESTS=ON)"; exit 1; }
# Install the pinned clients only when node_modules is missing or the lock file changed.
stamp=node_modules/.package-lock.sha256
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  npm ci --no-audit --no-fund
  echo "$wanted" >"$stamp"
fi
MC_AUTH_TOOL="$tool" node --test interop.test.mjs
