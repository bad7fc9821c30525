# http_common.sh — shell shared by the HTTP benchmarks (bench/http_*.sh), sourced, not run.
#
# They drive marketcore-server's AgentMarket API with the load driver of ../shared/anchors/load
# (wrk with its Lua scripts, setup.mjs for registrations). Defines:
#   http_find_anchors NAME      sets $anchors (../shared/anchors beside the checkout); prints a
#                               "skipped" note for benchmark NAME and fails when it is absent;
#                               runs the anchors' setup.sh once when NEEDS_EXPRESS=1 and the
#                               Express anchor's npm packages are missing
#   free_port                   prints a free loopback TCP port
#   wait_for_port PORT          waits until something listens on 127.0.0.1:PORT
#   start_marketcore BINARY PORT DATABASE LOG [ARGS...]
#                               starts marketcore-server on the AgentMarket dialect in the
#                               background and sets $started_pid; the options every HTTP
#                               benchmark uses: no access log (the anchor has none), and no
#                               per-client rate limit (the driver's registrations all come from
#                               one address)
#   cpu_ticks PID...            prints the CPU time (user + system, clock ticks) the processes
#                               have used so far, summed (/proc/PID/stat)
#   load_average                prints the 1-minute load average
# The caller sets -euo pipefail and $root (the checkout).
# shellcheck shell=bash disable=SC2034,SC2154

http_find_anchors() {
  anchors=$(cd "$root/.." && pwd)/shared/anchors
  if [ ! -x "$anchors/load/run.sh" ]; then
    echo "# $1: no ../shared/anchors beside the checkout; skipped"
    return 1
  fi
  if [ "${NEEDS_EXPRESS:-0}" = 1 ] && { [ ! -d "$anchors/express-agentmarket/node_modules" ] ||
    [ ! -x "$anchors/load/build/null_server" ]; }; then
    echo "# $1: setting up the anchors (npm ci, C programs)"
    "$anchors/setup.sh" >/dev/null
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_for_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2
  return 1
}

start_marketcore() {
  local binary=$1 port=$2 database=$3 log=$4
  shift 4
  "$binary" --listen "127.0.0.1:$port" --database "$database" \
    --dialect agentmarket --markets agentmarket --no-access-log \
    --rate-limit agentmarket.api=0/60 "$@" >"$log" 2>&1 &
  started_pid=$!
}

# Fields 14 and 15 of /proc/PID/stat (utime, stime); the command name (field 2) may hold
# spaces, so fields are counted after its closing parenthesis.
cpu_ticks() {
  local total=0 pid stat
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }
    read -r -a fields <<<"$stat"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

load_average() { cut -d' ' -f1 /proc/loadavg; }
