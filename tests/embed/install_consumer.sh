#!/usr/bin/env bash
# Installs a built marketcore into a temporary prefix and builds a host project outside the
# tree against it, twice: with CMake (find_package(marketcore), the shared and the static
# library, C++ and C) and with pkg-config and plain compiler commands (C++ and C). Runs every
# program it built. Usage: install_consumer.sh BUILD_DIR SOURCE_DIR C_COMPILER CXX_COMPILER
set -euo pipefail
build_dir=$1 source_dir=$2 cc=$3 cxx=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/marketcore-install-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== cmake --install into a temporary prefix"
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"
for file in include/marketcore/engine.h include/marketcore/marketcore_c.h; do
  [ -f "$prefix/$file" ] || { echo "missing after install: $file"; exit 1; }
done

echo "== find_package consumer (outside the tree)"
cp -r "$source_dir/tests/embed/consumer" "$work/consumer"
cmake -S "$work/consumer" -B "$work/consumer-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/consumer-build"
"$work/consumer-build/consumer_cpp" "$work/cmake-shared.db"
"$work/consumer-build/consumer_cpp_static" "$work/cmake-static.db"
"$work/consumer-build/consumer_c" "$work/cmake-c.db"

echo "== pkg-config consumer with plain compiler commands"
pc_dir=$(dirname "$(find "$prefix" -name marketcore.pc | head -n 1)")
export PKG_CONFIG_PATH=$pc_dir
libdir=$(pkg-config --variable=libdir marketcore)
read -r -a flags <<<"$(pkg-config --cflags --libs marketcore)"
"$cxx" -std=c++20 -o "$work/pc_cpp" "$work/consumer/consumer.cpp" "${flags[@]}" \
  "-Wl,-rpath,$libdir"
"$cc" -std=c11 -Wall -Wextra -Werror -o "$work/pc_c" "$work/consumer/consumer.c" "${flags[@]}" \
  "-Wl,-rpath,$libdir"
"$work/pc_cpp" "$work/pc-cpp.db"
"$work/pc_c" "$work/pc-c.db"
echo "== the installed Python module finds the installed library by itself"
location=$(find "$prefix" -path '*/marketcore/_location.py' | head -n 1)
[ -n "$location" ] || { echo "the Python module was not installed"; exit 1; }
env -u MARKETCORE_LIBRARY PYTHONPATH="$(dirname "$(dirname "$location")")" python3 -c "
import marketcore, sys
with marketcore.Engine(sys.argv[1], clock='manual', clock_start_ms=0) as engine:
    market = engine.ensure_builtin_market('j0')
    assert engine.verify_ledger()['ok']
print('ok (python, marketcore', marketcore.__version__ + ')')
" "$work/python.db"
echo "== installed marketcore works with find_package, pkg-config and Python"
