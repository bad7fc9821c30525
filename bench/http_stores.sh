#!/usr/bin/env bash
# http_stores.sh — AgentMarket POST /tasks over HTTP on each store, in one sitting: SQLite (one
# marketcore-server on a file), and PostgreSQL under READ COMMITTED and under SERIALIZABLE with
# one and with three marketcore-server processes on one database.
#
#   bench/http_stores.sh SERVER_BINARY [DURATION_S=10]
#
# The PostgreSQL lines need a reachable cluster through the PG* variables (./dev.sh bench runs
# this inside pg_virtualenv, fsync and synchronous_commit on); without one only the SQLite line
# runs. Needs ../shared/anchors beside the checkout for the load driver (wrk with
# load/post_tasks.lua, load/setup.mjs for registrations); skipped with a note without it.
#
# Each configuration starts on a fresh database (a new SQLite file, or a new PostgreSQL
# database), smoke-checks one lifecycle, registers posters (no deposit endpoint: each poster has
# the market's signup credits, POST_BUDGET=1 per task), warms up for WARMUP_S, registers enough
# posters for the warm-up's rate over the measured run times HEADROOM, then measures DURATION_S.
# CONNECTIONS (64) keep-alive connections in total: one wrk process (one thread) per server,
# the connections split evenly, all wrk processes started together, each on its own posters.
# Requests/s is the sum over the wrk processes; p50/p99 are per server (wrk's percentiles cannot
# be merged), printed server by server, and the line's p99 is the highest of them.
# Nothing is pinned: the servers, PostgreSQL and wrk share the machine's CPUs, as several
# servers on one machine would. CPU per request: the servers' CPU time (all their threads,
# /proc/PID/stat) over the measured run divided by the requests answered 2xx, and for
# PostgreSQL the cluster's (postmaster and its backends) the same way. The load average is
# read at the start and the end of each measured run. Timing only: nothing here passes or fails
# on a figure.
set -euo pipefail

server_binary=$(readlink -f "${1:?usage: http_stores.sh SERVER_BINARY [DURATION_S]}")
duration=${2:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/http_common.sh
source "$root/bench/http_common.sh"
http_find_anchors http_stores || exit 0
for tool in wrk node python3; do
  command -v "$tool" >/dev/null || { echo "# http_stores: $tool not found; skipped"; exit 0; }
done

CONNECTIONS=${CONNECTIONS:-64}
WARMUP_S=${WARMUP_S:-2}
WARMUP_POSTERS=${WARMUP_POSTERS:-400}
POST_BUDGET=${POST_BUDGET:-1}
HEADROOM=${HEADROOM:-2}
ticks_per_s=$(getconf CLK_TCK)

work=$(mktemp -d -t marketcore-http-stores.XXXXXX)
servers=()
cleanup() {
  local pid
  for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

setup() { node "$anchors/load/setup.mjs" "$@"; }

have_postgres=0
if [ -n "${PGHOST:-}${PGPORT:-}${MC_BENCH_POSTGRES:-}" ] && command -v psql >/dev/null &&
  psql -XAtqc 'SELECT 1' >/dev/null 2>&1; then
  have_postgres=1
fi

# The cluster's CPU time so far: the postmaster's own and that of its children that exited
# (cutime, cstime), plus every live child's (the backends of the servers' connections).
postgres_cpu_ticks() {
  [ "$have_postgres" = 1 ] || { echo 0; return; }
  local data_dir postmaster stat children
  data_dir=$(psql -XAtqc 'SHOW data_directory')
  postmaster=$(head -1 "$data_dir/postmaster.pid")
  stat=$(cat "/proc/$postmaster/stat")
  stat=${stat##*) }
  read -r -a fields <<<"$stat"
  children=$(ps -o pid= --ppid "$postmaster" | tr '\n' ' ')
  # shellcheck disable=SC2086
  echo $((fields[11] + fields[12] + fields[13] + fields[14] + $(cpu_ticks $children)))
}

# split_lines FILE N: writes FILE.1 .. FILE.N, line i to part (i mod N) + 1.
split_lines() {
  awk -v n="$2" -v f="$1" '{ print > (f "." (NR - 1) % n + 1) }' "$1"
}

# run_wrk_all LABEL SECONDS POSTERS_FILE: one wrk per server at once on its share of the
# posters and of the connections; wrk's "@@" lines in $work/LABEL.K.log.
run_wrk_all() {
  local label=$1 seconds=$2 posters=$3 n=${#ports[@]} k pids=()
  split_lines "$posters" "$n"
  for k in $(seq "$n"); do
    local connections=$(((CONNECTIONS + n - k) / n))
    wrk -t1 -c"$connections" -d"${seconds}s" --timeout 10s \
      -s "$anchors/load/post_tasks.lua" "http://127.0.0.1:${ports[$((k - 1))]}/agentmarket/api" \
      -- "$posters.$k" "$POST_BUDGET" >"$work/$label.$k.log" 2>&1 &
    pids+=($!)
  done
  for k in "${!pids[@]}"; do
    wait "${pids[$k]}" || { cat "$work/$label.$((k + 1)).log" >&2; return 1; }
  done
}

# metric LABEL K NAME: a "@@ NAME value unit" figure of wrk process K.
metric() { sed -n "s/^@@ $3 \([^ ]*\) .*/\1/p" "$work/$1.$2.log" | head -1; }

# summed LABEL NAME: NAME summed over the wrk processes of LABEL.
summed() {
  local k total=0
  for k in $(seq "${#ports[@]}"); do total=$(awk -v a="$total" -v b="$(metric "$1" "$k" "$2")" 'BEGIN { print a + b }'); done
  echo "$total"
}

# register_posters COUNT FILE: registers COUNT posters, spread over the servers in parallel.
register_posters() {
  local count=$1 file=$2 n=${#ports[@]} k pids=()
  : >"$file"
  for k in $(seq "$n"); do
    local share=$(((count + n - k) / n))
    [ "$share" -gt 0 ] || continue
    setup register "http://127.0.0.1:${ports[$((k - 1))]}/agentmarket/api" "$share" "$file.reg$k" \
      2>>"$work/setup.log" &
    pids+=($!)
  done
  for k in "${!pids[@]}"; do wait "${pids[$k]}"; done
  cat "$file".reg* >"$file"
  rm -f "$file".reg*
}

# measure NAME SERVERS DATABASE: one configuration, one "figures" line in $work/figures.
measure() {
  local name=$1 count=$2 database=$3 k port
  ports=()
  servers=()
  for k in $(seq "$count"); do
    port=$(free_port)
    start_marketcore "$server_binary" "$port" "$database" "$work/$name.server$k.log"
    servers+=("$started_pid")
    ports+=("$port")
    # The first server applies the migrations; the others then find the schema current.
    wait_for_port "$port" || { cat "$work/$name.server$k.log" >&2; return 1; }
  done
  local base="http://127.0.0.1:${ports[0]}/agentmarket/api"
  local signup
  signup=$(setup smoke "$base" 10 | sed -n 's/^signup_credits //p')
  register_posters "$WARMUP_POSTERS" "$work/$name.warmup_posters"
  run_wrk_all "$name.warmup" "$WARMUP_S" "$work/$name.warmup_posters"
  local warm_rate need
  warm_rate=$(awk -v n="$(summed "$name.warmup" throughput)" 'BEGIN { print n }')
  need=$(awk -v r="$warm_rate" -v d="$duration" -v h="$HEADROOM" -v s="$signup" -v b="$POST_BUDGET" \
    'BEGIN { n = int(r * d * h / int(s / b)) + 1; if (n < 10 * '"$count"') n = 10 * '"$count"'; print n }')
  echo "# $name: warm-up $warm_rate req/s; registering $need posters"
  register_posters "$need" "$work/$name.posters"

  local load_start load_end cpu_start cpu_end db_start db_end
  load_start=$(load_average)
  cpu_start=$(cpu_ticks "${servers[@]}")
  db_start=$(postgres_cpu_ticks)
  run_wrk_all "$name" "$duration" "$work/$name.posters"
  cpu_end=$(cpu_ticks "${servers[@]}")
  db_end=$(postgres_cpu_ticks)
  load_end=$(load_average)

  local requests=0 ok_per_s=0 errors=0 p50s=() p99s=() ok_requests
  for k in $(seq "$count"); do
    requests=$((requests + $(metric "$name" "$k" requests)))
    errors=$((errors + $(metric "$name" "$k" http_errors) + $(metric "$name" "$k" socket_errors)))
    p50s+=("$(metric "$name" "$k" latency_p50)")
    p99s+=("$(metric "$name" "$k" latency_p99)")
  done
  ok_per_s=$(summed "$name" throughput)
  ok_requests=$((requests - $(summed "$name" http_errors)))
  echo "$name $count $ok_per_s $(IFS=/; echo "${p50s[*]}") $(IFS=/; echo "${p99s[*]}")" \
    "$((cpu_end - cpu_start)) $((db_end - db_start)) $ok_requests $errors $load_start $load_end" \
    >>"$work/figures"
  if [ "$errors" -gt 0 ]; then
    echo "# WARNING: $name had $errors failed requests; first lines of the first wrk log:"
    grep -v '^@@' "$work/$name.1.log" | head -5 | sed 's/^/#   /'
  fi
  for k in "${!servers[@]}"; do
    kill "${servers[$k]}" 2>/dev/null || true
    wait "${servers[$k]}" 2>/dev/null || true
  done
  servers=()
}

echo "# http_stores: AgentMarket POST /tasks, ${WARMUP_S}s warm-up + ${duration}s measured per line," \
  "$CONNECTIONS connections in total, $(nproc) CPUs (shared), nothing pinned, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
measure sqlite 1 "$work/marketcore.db"
if [ "$have_postgres" = 1 ]; then
  echo "# PostgreSQL $(psql -XAtqc 'SHOW server_version'), fsync $(psql -XAtqc 'SHOW fsync')," \
    "synchronous_commit $(psql -XAtqc 'SHOW synchronous_commit')"
  for isolation in read_committed serializable; do
    for count in 1 3; do
      database="mc_http_${isolation}_$count"
      psql -XAtqc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1
      psql -XAtqc "CREATE DATABASE $database" >/dev/null
      measure "postgres_${isolation}_$count" "$count" "postgresql:///$database?mc_isolation=$isolation"
      psql -XAtqc "DROP DATABASE $database WITH (FORCE)" >/dev/null
    done
  done
else
  echo "# http_stores: no PostgreSQL cluster (PG* variables); the PostgreSQL lines are skipped"
fi

echo "# every line (name servers req/s p50s p99s server_ticks db_ticks requests_2xx errors load_start load_end):"
sed 's/^/#   /' "$work/figures"
python3 - "$work/figures" "$ticks_per_s" <<'EOF'
import sys
ticks = int(sys.argv[2])
print("http_stores                       servers     req/s  p50 ms  p99 ms  server CPU µs/req"
      "  db CPU µs/req  load avg  p50 / p99 ms per server")
for line in open(sys.argv[1]):
    (name, count, rate, p50s, p99s, server_ticks, db_ticks, ok, errors, load_start,
     load_end) = line.split()
    ok = int(ok)
    p50 = [float(v) for v in p50s.split("/")]
    p99 = [float(v) for v in p99s.split("/")]
    per_request = lambda t: f"{int(t) * 1e6 / ticks / ok:.0f}" if ok else "-"
    db = per_request(db_ticks) if name.startswith("postgres") else ""
    per_server = "  ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(p50, p99)) if len(p50) > 1 else ""
    label = name.replace("postgres_", "postgres ").replace("_1", "").replace("_3", "")
    print(f"  {label:<30} {count:>7} {float(rate):9.0f} {max(p50):7.1f} {max(p99):7.1f}"
          f" {per_request(server_ticks):>18} {db:>14}  {load_start}→{load_end}  {per_server}"
          + (f"  ({errors} failed)" if int(errors) else ""))
print("  p50/p99: the highest over the servers; per server in the last column (3 servers)")
EOF
