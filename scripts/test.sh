#!/usr/bin/env bash
# Runs every test: unit and storage tests on SQLite and PostgreSQL, the HTTP and
# web tests, and the browser test in headless Chromium.
#
# PostgreSQL: uses TEST_PG_DSN, or the local server on 127.0.0.1:5432 (started
# here if it is installed but down). With CI=true a missing PostgreSQL or Chromium
# fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_default='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'

start_postgres() {
  command -v pg_isready >/dev/null || return 0
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    if command -v pg_ctlcluster >/dev/null; then
      for v in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
      done
    fi
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
}

if [ -z "${TEST_PG_DSN:-}" ]; then
  start_postgres
  if command -v pg_isready >/dev/null && pg_isready -h 127.0.0.1 -p 5432 -q; then
    export TEST_PG_DSN="$pg_default"
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not reachable on 127.0.0.1:5432; CI must test both engines" >&2
    exit 1
  else
    echo "note: PostgreSQL not reachable; running the storage tests on SQLite only" >&2
  fi
fi
if [ -n "${TEST_PG_DSN:-}" ]; then
  echo "PostgreSQL tests use ${TEST_PG_DSN%%\?*}"
fi

go vet ./...
# -count=1: never trust a cached result for database tests.
go test -count=1 -timeout 30m ./...
