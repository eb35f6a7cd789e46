#!/usr/bin/env bash
# Runs ruff, the import contracts and mypy, then the whole suite on SQLite and on PostgreSQL
# (DATABASE_URL or 127.0.0.1:5432).
# The two runs go side by side (SQLite on the terminal, PostgreSQL into var/test-postgres.log, shown
# when done); IMBUTO_TEST_SERIAL=1 runs them one after the other. Without a PostgreSQL server that run
# is skipped loudly, except under CI=true where it fails. With both runs and no arguments, each test
# folder runs on one engine (see below and tests/conftest.py). Under CI=true the browser tests must exist
# and run (scripts/pytest_ci_guard.py). Extra arguments go to pytest (then the guard only checks
# that something ran).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export IMBUTO_SECRET_KEY=${IMBUTO_SECRET_KEY:-test-secret-key}
export PYTHONPATH="$(pwd)/scripts${PYTHONPATH:+:$PYTHONPATH}"
if [ "${CI:-}" = "true" ] && [ $# -eq 0 ]; then export IMBUTO_CI_MUST_RUN=browser; fi
mkdir -p var

run_pytest() {  # $1 = label, $2 = database URL, rest = pytest args
  local label=$1 url=$2; shift 2
  local start=$SECONDS
  echo "== tests on $label"
  # each run its own var/ (uploads, media, static) so the two runs side by side never share files
  IMBUTO_VAR_DIR="$(pwd)/var/test-run-${label%% *}" DATABASE_URL="$url" $BIN/python -m pytest -rfEs --durations=5 -p pytest_ci_guard \
    --junitxml="var/junit-${label%% *}.xml" "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then
    echo "!! pytest collected no tests on $label (exit 5): that is a failure, not a pass." >&2
  fi
  echo "== $label: exit $rc after $((SECONDS - start)) s"
  return $rc
}

pg_reachable() {
  $BIN/python - "$1" <<'PY'
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=c["HOST"] or "127.0.0.1", port=c["PORT"] or 5432, user=c["USER"] or None,
                    password=c["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PY
}

echo "== ruff"
$BIN/ruff check . || exit 1
echo "== import contracts (lint-imports: apps depend one way, no import cycles)"
PYTHONPATH="$(pwd)/src${PYTHONPATH:+:$PYTHONPATH}" $BIN/lint-imports --no-logo --no-cache || exit 1
echo "== mypy (settings in pyproject.toml: strict on services and selectors)"
$BIN/mypy || exit 1

SQLITE_URL="sqlite:///$(pwd)/var/test.sqlite3"
PG_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/imbuto}
case "$PG_URL" in postgres*) ;; *) PG_URL=postgres://postgres@127.0.0.1:5432/imbuto ;; esac
PG_LABEL="PostgreSQL ($(echo "$PG_URL" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#'))"

if ! pg_reachable "$PG_URL"; then
  run_pytest SQLite "$SQLITE_URL" "$@"; rc=$?
  if [ "${CI:-}" = "true" ]; then
    echo "!! PostgreSQL is not reachable at $PG_URL and CI=true: failing." >&2
    exit 1
  fi
  echo
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!! PostgreSQL not reachable at $PG_URL: the PostgreSQL run was SKIPPED.       !!"
  echo "!! Start a server or set DATABASE_URL=postgres://user@host:5432/db to run it.  !!"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  exit $rc
fi

pg_run() {
  if [ "${CI:-}" = "true" ]; then export IMBUTO_CI_NO_SKIP=postgres_only; fi
  if [ $# -eq 0 ]; then
    IMBUTO_CI_MUST_RUN= run_pytest "$PG_LABEL" "$PG_URL" -m "not browser and not embedded_only"
  else
    run_pytest "$PG_LABEL" "$PG_URL" "$@"
  fi
}

# With both runs and no arguments, each test folder runs on one engine (tests/conftest.py RUN_ONCE),
# so that the two runs side by side take about as long: the browser walks and what is marked
# embedded_only on SQLite (the embedded default `make run` serves), what is marked one_database on
# PostgreSQL (production). Folders not listed there run on both. `bash scripts/test.sh tests/x` (with
# arguments) runs the given tests on both engines.
sqlite_run() {
  if [ $# -eq 0 ]; then
    run_pytest SQLite "$SQLITE_URL" -m "not one_database"
  else
    run_pytest SQLite "$SQLITE_URL" "$@"
  fi
}

if [ "${IMBUTO_TEST_SERIAL:-}" = "1" ]; then
  sqlite_run "$@"; sqlite_rc=$?
  pg_run "$@"; pg_rc=$?
else
  echo "== the PostgreSQL run goes on beside this one; its output: var/test-postgres.log"
  pg_run "$@" > var/test-postgres.log 2>&1 &
  pg_pid=$!
  sqlite_run "$@"; sqlite_rc=$?
  wait $pg_pid; pg_rc=$?
  echo
  cat var/test-postgres.log
fi
echo
echo "== summary: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc"
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
