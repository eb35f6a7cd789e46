#!/usr/bin/env bash
# Runs the whole suite on SQLite, then on PostgreSQL (DATABASE_URL or 127.0.0.1:5432).
# Without a PostgreSQL server the second run is skipped loudly, except under CI=true.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export IMBUTO_SECRET_KEY=${IMBUTO_SECRET_KEY:-test-secret-key}

echo "== ruff"
$BIN/ruff check . || exit 1

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$(pwd)/var/test.sqlite3" $BIN/python -m pytest "$@"
rc=$?; [ $rc -eq 0 ] || exit $rc

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
  echo "== tests on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" $BIN/python -m pytest "$@"
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
