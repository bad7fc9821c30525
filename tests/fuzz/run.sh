#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time from its committed seed corpus. Any crash,
# sanitizer report or trap fails the run (non-zero exit). Needs MC_BUILD_DIR built with
# MC_FUZZ=ON (./dev.sh test does this). Seeds are copied to a scratch corpus so the
# committed one never changes.
set -euo pipefail
cd "$(dirname "$0")"
: "${MC_BUILD_DIR:?set MC_BUILD_DIR to the build directory}"
seconds=${MC_FUZZ_SECONDS:-15}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in fuzz_siwe fuzz_jwt fuzz_signature_headers fuzz_humanops fuzz_request fuzz_aacp fuzz_mkt1337; do
  binary="$MC_BUILD_DIR/tests/fuzz/$target"
  if [ ! -x "$binary" ]; then
    echo "skipping $target: not built (configure with -DMC_FUZZ=ON)"
    continue
  fi
  mkdir -p "$scratch/$target"
  echo "fuzzing $target for ${seconds}s"
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$scratch/$target-" "$scratch/$target" \
    "corpus/$target" 2>"$scratch/$target.log" || {
    tail -n 60 "$scratch/$target.log"
    echo "$target failed; crashing input:"
    ls "$scratch/$target"-* 2>/dev/null || true
    exit 1
  }
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$scratch/$target.log" || true
done
