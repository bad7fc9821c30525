#!/usr/bin/env bash
# marketcore developer entry point. On a fresh Debian 12 machine, as root:
#   ./dev.sh run    install missing packages, build (release), run the server with its defaults
#   ./dev.sh test   install missing packages, build with clang (ASan+UBSan) and run every test,
#                   then build with GCC (release) and run ctest there too
#   ./dev.sh bench  install missing packages, build (release), run the benchmarks (and, with
#                   ../shared/anchors beside the checkout, marketcore-server against the Express
#                   anchor over HTTP)
#   ./dev.sh format apply clang-format to every C++ file
#   ./dev.sh sim [--seconds N] [simulator flags]   the market simulator (release build) until
#                   stopped or for N seconds; prints operations/s and every invariant's checks
#   ./dev.sh planted   plants each engine bug of src/common/planted.h in turn (build/planted)
#                   and shows the simulator catches it, with the seed and step that did
#   ./dev.sh coverage  clang source coverage of the whole suite plus a bounded simulator run,
#                   line and branch coverage per folder of src/ and server/ (build/coverage)
# Build directories are reused between runs: build/release, build/sanitize, build/gcc-release
# (and build/sim, build/planted, build/coverage for the commands above).
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
jobs=$(nproc)

build_packages=(build-essential clang libclang-rt-14-dev cmake ninja-build ccache pkg-config git
  ca-certificates libsqlite3-dev libssl-dev libsimdjson-dev libsecp256k1-dev libboost1.81-dev
  doctest-dev libtomlplusplus-dev clang-format libpq-dev)
# postgresql-15 (with postgresql-common's pg_virtualenv) runs a throwaway cluster for the
# PostgreSQL store tests.
test_packages=(nodejs npm curl python3 python3-pytest postgresql-15 postgresql-common)
bench_packages=(wrk util-linux postgresql-15 postgresql-common)

log() { printf '\n== %s\n' "$*"; }

# Installs whichever of the given Debian packages are missing (needs root or sudo).
ensure_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$package")
  done
  # Node.js may come from another source than Debian's package; only the commands matter.
  if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null; then
    missing=("${missing[@]/nodejs/}")
  fi
  if [[ " ${missing[*]} " == *" npm "* ]] && command -v npm >/dev/null; then
    missing=("${missing[@]/npm/}")
  fi
  read -r -a missing <<<"${missing[*]}"
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/marketcore-ccache}
# Paths relative to the checkout, so every clone and worktree shares the cached objects.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

# configure_and_build DIR C_COMPILER CXX_COMPILER [cmake options...]
configure_and_build() {
  local dir=$1 cc=$2 cxx=$3
  shift 3
  log "configuring $dir ($cxx)"
  mkdir -p "$(dirname "$dir")"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "$@" \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
  log "building $dir"
  cmake --build "$dir" -j "$jobs"
}

build_release() {
  configure_and_build build/release clang clang++ -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_TESTS=OFF \
    -DMC_BUILD_BENCH=ON
}

build_sanitize() {
  configure_and_build build/sanitize clang clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMC_WERROR=ON \
    -DMC_SANITIZE=ON -DMC_FUZZ=ON -DMC_BUILD_BENCH=OFF
}

# The other compiler, optimized as shipped: warnings are errors here too (MC_WERROR).
build_gcc_release() {
  configure_and_build build/gcc-release gcc g++ -DCMAKE_BUILD_TYPE=Release -DMC_WERROR=ON \
    -DMC_BUILD_TESTS=ON -DMC_BUILD_BENCH=OFF
}

check_format() {
  log "checking clang-format"
  local unformatted
  unformatted=$(git ls-files '*.h' '*.cpp' '*.c' | while read -r file; do
    clang-format --dry-run --Werror "$file" >/dev/null 2>&1 || echo "$file"
  done)
  if [ -n "$unformatted" ]; then
    echo "not clang-formatted (run ./dev.sh format):"
    echo "$unformatted"
    return 1
  fi
}

run_tests() {
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  check_format
  for script in tests/*/run.sh; do
    [ -f "$script" ] || continue
    log "running $script"
    MC_BUILD_DIR="$root/build/sanitize" bash "$script"
  done
  log "running the examples"
  for example in build/sanitize/examples/example_*; do
    [ -x "$example" ] && "$example"
  done
  log "running ctest (clang, sanitizers)"
  (cd build/sanitize && with_postgres ctest --output-on-failure -j "$jobs")
}

# Runs "$@" inside a throwaway PostgreSQL cluster (pg_virtualenv sets PGHOST, PGPORT, ...), so
# the postgres_store_suite test runs; without pg_virtualenv, runs it as is (that test skips).
# The cluster is for tests only: no fsync.
with_postgres() {
  if command -v pg_virtualenv >/dev/null; then
    pg_virtualenv -o fsync=off -o synchronous_commit=off -o max_connections=200 "$@"
  else
    "$@"
  fi
}

# The test suite on the release build: timing- and optimization-dependent behaviour that the
# sanitizer build hides (faster bursts, other inlining) shows here.
run_release_tests() {
  log "running ctest (GCC, release)"
  (cd build/gcc-release && with_postgres ctest --output-on-failure -j "$jobs")
}

# build_target DIR TARGET [cmake options...]: configures DIR with clang and builds one target.
build_target() {
  local dir=$1 target=$2
  shift 2
  log "configuring $dir"
  mkdir -p "$(dirname "$dir")"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "$@" \
    >"$dir.configure.log" 2>&1 || { cat "$dir.configure.log"; return 1; }
  log "building $target in $dir"
  cmake --build "$dir" -j "$jobs" --target "$target"
}

# Seeds run per planted bug (every one of them, to say how many catch it), steps per seed.
planted_seeds=${MC_PLANTED_SEEDS:-5}
planted_steps=${MC_PLANTED_STEPS:-1000}

run_planted() {
  local names=("" "hold posted twice" "refund skipped on one timeout path"
    "guard evaluated outside the transaction" "idempotency key scoped without the actor"
    "fee rounded the other way")
  local table=() failed=0 sim_dir
  sim_dir=$(mktemp -d)
  for bug in ${MC_PLANTED_BUGS:-1 2 3 4 5}; do
    build_target build/planted marketcore_sim -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_BENCH=OFF \
      -DMC_PLANTED_BUG="$bug"
    log "planted bug $bug: ${names[$bug]}"
    local caught=0 first="" seed out
    for seed in $(seq 1 "$planted_seeds"); do
      if out=$(build/planted/tests/sim/marketcore_sim --seed "$seed" --steps "$planted_steps" \
        --dir "$sim_dir" 2>&1); then
        echo "seed $seed: not caught"
        continue
      fi
      if ! grep -q '^VIOLATION' <<<"$out"; then  # a crash is not a catch
        echo "$out" | tail -5
        first="CRASHED at seed $seed"
        failed=1
        break
      fi
      echo "$out" | sed -n '1,3p'
      caught=$((caught + 1))
      [ -n "$first" ] || first="first: $(sed -n 's/^VIOLATION \(seed [0-9]* step [0-9]*\) invariant \(.*\)$/\1, \2/p' <<<"$out")"
    done
    [ "$caught" -gt 0 ] || failed=1
    table+=("$(printf '%d  %-42s caught by %d of %d seeds  %s' "$bug" "${names[$bug]}" \
      "$caught" "$planted_seeds" "$first")")
  done
  rm -rf "$sim_dir"
  log "planted bugs ($planted_steps steps per seed)"
  printf '%s\n' "${table[@]}"
  # Leave build/planted without a planted bug, so nobody runs a planted binary by mistake.
  cmake -S . -B build/planted -DMC_PLANTED_BUG=0 >/dev/null
  [ "$failed" -eq 0 ]
}

# Coverage of the suite alone (the "before") and of the suite plus the simulator (the "after").
run_coverage() {
  local dir=build/coverage flags="-fprofile-instr-generate -fcoverage-mapping"
  configure_and_build "$dir" clang clang++ -DCMAKE_BUILD_TYPE=Debug -DMC_BUILD_BENCH=OFF \
    -DMC_FUZZ=OFF -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate"
  rm -rf "$dir/profiles" && mkdir -p "$dir/profiles"
  export LLVM_PROFILE_FILE="$root/$dir/profiles/suite-%p-%m.profraw"
  for script in tests/*/run.sh; do
    [ -f "$script" ] || continue
    log "running $script"
    MC_BUILD_DIR="$root/$dir" bash "$script" || log "$script failed (coverage continues)"
  done
  log "running ctest (without the simulator's seeds)"
  (cd "$dir" && ctest -j "$jobs" -E '^sim_seed_' --output-on-failure) ||
    log "ctest failed (coverage continues)"
  export LLVM_PROFILE_FILE="$root/$dir/profiles/sim-%p-%m.profraw"
  log "running the simulator (seeds 1-${MC_COVERAGE_SIM_SEEDS:-4}, ${MC_COVERAGE_SIM_STEPS:-1500} steps)"
  "$dir/tests/sim/marketcore_sim" --seeds "1-${MC_COVERAGE_SIM_SEEDS:-4}" \
    --steps "${MC_COVERAGE_SIM_STEPS:-1500}" --dir "$dir" | tail -4
  unset LLVM_PROFILE_FILE
  local objects=() binary
  for binary in "$dir"/tests/marketcore_tests "$dir"/tests/sim/marketcore_sim \
    "$dir"/server/marketcore-server "$dir"/tests/*/mc_* "$dir"/examples/example_*; do
    [ -x "$binary" ] && objects+=(-object "$binary")
  done
  local run
  for run in suite all; do
    if [ "$run" = suite ]; then
      llvm-profdata merge -sparse "$dir"/profiles/suite-*.profraw -o "$dir/$run.profdata"
    else
      llvm-profdata merge -sparse "$dir"/profiles/*.profraw -o "$dir/$run.profdata"
    fi
    llvm-cov export -summary-only -format=text -instr-profile "$dir/$run.profdata" \
      "${objects[@]:1}" >"$dir/$run.json"
  done
  log "coverage of the suite alone"
  python3 tests/sim/coverage_by_folder.py "$dir/suite.json" "$root"
  log "coverage of the suite and the simulator"
  python3 tests/sim/coverage_by_folder.py "$dir/all.json" "$root"
}

command=${1:-}
case "$command" in
  run)
    ensure_packages "${build_packages[@]}"
    build_release
    shift
    if [ -x build/release/server/marketcore-server ]; then
      exec build/release/server/marketcore-server "$@"
    fi
    exec build/release/examples/example_job_lifecycle "$@"
    ;;
  test)
    ensure_packages "${build_packages[@]}" "${test_packages[@]}"
    build_sanitize
    run_tests
    build_gcc_release
    run_release_tests
    ;;
  bench)
    ensure_packages "${build_packages[@]}" "${bench_packages[@]}"
    build_release
    for bench in build/release/bench/bench_*; do
      [ -x "$bench" ] || continue
      if [ "$(basename "$bench")" = bench_core ] && command -v pg_virtualenv >/dev/null; then
        # bench_core adds its PostgreSQL lines (1 and 3 engines on one database) in a throwaway
        # cluster with the default durability (pg_virtualenv turns fsync off unless told).
        pg_virtualenv -o max_connections=200 -o fsync=on \
          env MC_BENCH_POSTGRES=postgresql:// "$bench"
      else
        "$bench"
      fi
    done
    # POST /tasks over HTTP on SQLite and on PostgreSQL with 1 and 3 servers (the PostgreSQL
    # lines in a throwaway cluster with the default durability, when pg_virtualenv exists).
    if command -v pg_virtualenv >/dev/null; then
      pg_virtualenv -o max_connections=200 -o fsync=on \
        bench/http_stores.sh build/release/server/marketcore-server "${MC_BENCH_SECONDS:-10}"
    else
      bench/http_stores.sh build/release/server/marketcore-server "${MC_BENCH_SECONDS:-10}"
    fi
    # Over HTTP against the Express anchor, when ../shared/anchors is beside the checkout.
    bench/http_vs_express.sh build/release/server/marketcore-server "${MC_BENCH_SECONDS:-10}"
    ;;
  sim)
    ensure_packages "${build_packages[@]}"
    build_target build/sim marketcore_sim -DCMAKE_BUILD_TYPE=Release -DMC_BUILD_BENCH=OFF \
      -DMC_PLANTED_BUG=0
    shift
    sim_dir=$(mktemp -d)
    trap 'rm -rf "$sim_dir"' EXIT
    # Until stopped (Ctrl-C prints the figures), or for --seconds N; seeds of 5000 steps.
    args=(--steps 5000 --dir "$sim_dir" "$@")
    [[ " $* " == *" --seconds "* ]] || args+=(--forever)
    build/sim/tests/sim/marketcore_sim --seed "${MC_SIM_SEED:-$(date +%s)}" "${args[@]}"
    ;;
  planted)
    ensure_packages "${build_packages[@]}"
    run_planted
    ;;
  coverage)
    ensure_packages "${build_packages[@]}" "${test_packages[@]}"
    run_coverage
    ;;
  format)
    git ls-files --cached --others --exclude-standard '*.h' '*.cpp' '*.c' | xargs clang-format -i
    ;;
  *)
    sed -n '2,17p' "$0"
    exit 2
    ;;
esac
