#!/usr/bin/env bash
# http_vs_express.sh — marketcore-server against the Express anchor (the same AgentMarket API on
# Node + Express + better-sqlite3, synchronous=FULL) with the same load driver, in one sitting.
#
#   bench/http_vs_express.sh SERVER_BINARY [DURATION_S=10] [ROUNDS=2]
#
# Needs ../shared/anchors beside the checkout (skipped with a note when it is absent); runs its
# setup.sh once when its npm packages are missing. Each round measures the anchor, then
# marketcore, each on a fresh database, interleaved (A B A B ...); the driver (load/run.sh) pins
# the server to CPU 0 and itself to CPU 1. Phases: POST /tasks and post -> accept -> complete.
# Prints every run's figures, the medians, the ratios (goal: >= 5x the anchor's throughput
# with p99 no worse), and marketcore's resident memory sampled through its runs (peak, first
# and last sample), so growth over a long run (DURATION_S=300) shows. marketcore runs with its
# defaults (durability full, access log off as the anchor has none) except the AgentMarket
# per-client rate limit, which the driver's thousands of registrations from one address would
# hit and the anchor does not have.
set -euo pipefail

server_binary=$(readlink -f "${1:?usage: http_vs_express.sh SERVER_BINARY [DURATION_S] [ROUNDS]}")
duration=${2:-10}
rounds=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/http_common.sh
source "$root/bench/http_common.sh"
NEEDS_EXPRESS=1 http_find_anchors http_vs_express || exit 0

work=$(mktemp -d -t marketcore-http-bench.XXXXXX)
server=
sampler=
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# run_load NAME BASE_URL: the driver's figures as "NAME metric value" lines in $work/figures.
run_load() {
  PHASES="post lifecycle" SERVER_PID=$server "$anchors/load/run.sh" "$2" "$duration" \
    >"$work/$1.out" 2>"$work/$1.err" || { cat "$work/$1.err" >&2; return 1; }
  grep -E '^(post_tasks|lifecycle)_' "$work/$1.out" | awk -v n="$1" '{print n, $1, $2}' \
    >>"$work/figures"
}

measure_express() {
  local round=$1 port dir
  port=$(free_port)
  dir="$work/express-$round"
  mkdir -p "$dir"
  (cd "$anchors" && NODE_ENV=production PORT=$port DB_PATH="$dir/agentmarket.db" SQLITE_SYNC=FULL \
    exec node express-agentmarket/server.js >"$dir/server.log" 2>&1) &
  server=$!
  wait_for_port "$port"
  run_load express "http://127.0.0.1:$port/api"
  echo "express peak_rss_kib $(awk '/VmHWM/ {print $2}' "/proc/$server/status")" >>"$work/figures"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

measure_marketcore() {
  local round=$1 port dir
  port=$(free_port)
  dir="$work/marketcore-$round"
  mkdir -p "$dir"
  start_marketcore "$server_binary" "$port" "$dir/marketcore.db" "$dir/server.log"
  server=$started_pid
  wait_for_port "$port"
  (while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null
    sleep 5
  done) >"$dir/rss" &
  sampler=$!
  run_load marketcore "http://127.0.0.1:$port/agentmarket/api"
  echo "marketcore peak_rss_kib $(awk '/VmHWM/ {print $2}' "/proc/$server/status")" >>"$work/figures"
  kill "$sampler" 2>/dev/null || true
  sampler=
  echo "marketcore rss_first_sample_kib $(head -1 "$dir/rss")" >>"$work/figures"
  echo "marketcore rss_last_sample_kib $(tail -1 "$dir/rss")" >>"$work/figures"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=
}

echo "# http_vs_express: $rounds rounds of ${duration}s per phase, anchor then marketcore each round"
for round in $(seq "$rounds"); do
  measure_express "$round"
  measure_marketcore "$round"
done

echo "# every run (system metric value):"
sed 's/^/#   /' "$work/figures"
python3 - "$work/figures" <<'EOF'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    system, metric, value = line.split()
    runs.setdefault((system, metric), []).append(float(value))
def median(system, metric):
    values = runs.get((system, metric))
    return statistics.median(values) if values else float("nan")
print("http_vs_express (median of the runs)        express    marketcore   ratio")
for metric, unit in [("post_tasks_throughput", "req/s"), ("post_tasks_latency_p99", "ms"),
                     ("lifecycle_lifecycles_per_s", "lifecycles/s"),
                     ("lifecycle_throughput", "req/s"), ("lifecycle_latency_p99", "ms"),
                     ("peak_rss_kib", "KiB")]:
    a, b = median("express", metric), median("marketcore", metric)
    ratio = b / a if a else float("nan")
    print(f"  {metric:<38} {a:10.1f} {b:12.1f} {ratio:7.2f}x  {unit}")
for metric in ("rss_first_sample_kib", "rss_last_sample_kib"):
    print(f"  marketcore {metric:<30} {median('marketcore', metric):12.0f} KiB")
print("  goal: throughput ratio >= 5x with p99 no worse than the anchor's")
EOF
