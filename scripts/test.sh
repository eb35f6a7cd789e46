#!/usr/bin/env bash
# Runs ruff, then the whole suite on SQLite, then on PostgreSQL (DATABASE_URL or 127.0.0.1:5432).
# Without a PostgreSQL server the second run is skipped loudly, except under CI=true where it fails.
# Under CI=true the browser tests must exist and run (scripts/pytest_ci_guard.py checks it).
# Extra arguments go to pytest (then the CI guard only checks that something ran).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export IMBUTO_SECRET_KEY=${IMBUTO_SECRET_KEY:-test-secret-key}
export PYTHONPATH="$(pwd)/scripts${PYTHONPATH:+:$PYTHONPATH}"
GUARD=(-p pytest_ci_guard)
if [ "${CI:-}" = "true" ] && [ $# -eq 0 ]; then export IMBUTO_CI_MUST_RUN=browser; fi

run_pytest() {  # $1 = label, $2 = database URL, rest = pytest args
  local label=$1 url=$2; shift 2
  local start=$SECONDS
  echo "== tests on $label"
  DATABASE_URL="$url" $BIN/python -m pytest -rfEs "${GUARD[@]}" "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then
    echo "!! pytest collected no tests on $label (exit 5): that is a failure, not a pass." >&2
  fi
  echo "== $label: exit $rc after $((SECONDS - start)) s"
  return $rc
}

echo "== ruff"
$BIN/ruff check . || exit 1

run_pytest SQLite "sqlite:///$(pwd)/var/test.sqlite3" "$@" || exit $?

PG_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/imbuto}
case "$PG_URL" in postgres*) ;; *) PG_URL=postgres://postgres@127.0.0.1:5432/imbuto ;; esac
if $BIN/python - "$PG_URL" <<'PY'
import sys, psycopg, dj_database_url
c = dj_database_url.parse(sys.argv[1])
try:
    psycopg.connect(host=c["HOST"] or "127.0.0.1", port=c["PORT"] or 5432, user=c["USER"] or None,
                    password=c["PASSWORD"] or None, dbname="postgres", connect_timeout=3).close()
except Exception as exc:
    print(exc, file=sys.stderr); sys.exit(1)
PY
then
  if [ "${CI:-}" = "true" ]; then export IMBUTO_CI_NO_SKIP=postgres_only; fi
  run_pytest "PostgreSQL ($(echo "$PG_URL" | sed -E 's#://([^:/@]+):[^@]*@#://\1:***@#'))" "$PG_URL" "$@"
  exit $?
fi
if [ "${CI:-}" = "true" ]; then
  echo "!! PostgreSQL is not reachable at $PG_URL and CI=true: failing." >&2
  exit 1
fi
echo
echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
echo "!! PostgreSQL not reachable at $PG_URL: the PostgreSQL run was SKIPPED.       !!"
echo "!! Start a server or set DATABASE_URL=postgres://user@host:5432/db to run it.  !!"
echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
