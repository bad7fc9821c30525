#!/usr/bin/env bash
# Builds a host project that adds marketcore with add_subdirectory() and runs its programs.
# The build directory is kept (BUILD_DIR) so later runs rebuild only what changed; the build
# type and MC_WERROR are the calling build's, so the compiler cache can serve its objects.
# Usage: subdirectory_consumer.sh BUILD_DIR SOURCE_DIR C_COMPILER CXX_COMPILER BUILD_TYPE WERROR
set -euo pipefail
build_dir=$1 source_dir=$2 cc=$3 cxx=$4 build_type=$5 werror=$6
cmake -S "$source_dir/tests/embed/subdirectory" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE="$build_type" -DMC_WERROR="$werror" -DMARKETCORE_SOURCE_DIR="$source_dir" \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >"$build_dir.configure.log" 2>&1 ||
  { cat "$build_dir.configure.log"; exit 1; }
cmake --build "$build_dir" -j 2
work=$(mktemp -d "${TMPDIR:-/tmp}/marketcore-subdirectory-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$build_dir/host_cpp" "$work/cpp.db"
"$build_dir/host_c" "$work/c.db"
echo "== add_subdirectory(marketcore) host builds and runs"
