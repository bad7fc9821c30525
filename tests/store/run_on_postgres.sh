#!/usr/bin/env bash
# Runs the store-relevant tests (engine, scenarios, ledger, store records and jobs, webhook and
# auth stores) a second time on PostgreSQL: every one of them opens its database through
# tests/store/test_database.h, which gives each test a schema of its own in MC_TEST_POSTGRES.
# Needs a reachable cluster: MC_TEST_POSTGRES (a libpq URL), or the PG* variables that
# pg_virtualenv sets (./dev.sh test runs ctest inside one). Without either the test is skipped
# (exit 77, ctest's SKIP_RETURN_CODE for it).
set -euo pipefail
# With a second argument, that doctest filter replaces the default selection.
binary=$1
filter=${2:-}
if [ -z "${MC_TEST_POSTGRES:-}" ]; then
  if [ -z "${PGHOST:-}" ] && [ -z "${PGPORT:-}" ]; then
    echo "no PostgreSQL cluster (set MC_TEST_POSTGRES or run inside pg_virtualenv): skipped"
    exit 77
  fi
  export MC_TEST_POSTGRES=postgresql://
fi
[ -n "$filter" ] && exec "$binary" "$filter"
exec "$binary" --source-file='*tests/engine/*,*tests/scenarios/*,*tests/ledger/*,*store_jobs_test*,*store_records_test*,*postgres_store_test*,*webhooks_store_test*,*sqlite_auth_stores_test*'
