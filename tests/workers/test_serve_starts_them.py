"""`imbuto serve` alone is a complete instance: it starts a worker and the scheduler beside gunicorn
(`--no-worker`, `--no-scheduler` leave them out), and they stop with it."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time

import pytest

from tests.cli.test_script import IMBUTO, free_port, imbuto

from .helpers import ROOT, wait_until

# The served instance is always a SQLite one of its own (serve() below), whatever the suite's engine:
# running these on the PostgreSQL pass too only repeated them (about 50 s of CI).
pytestmark = pytest.mark.embedded_only


def rows(db, table):
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - our own table names


def serve(db, *flags):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "IMBUTO_SECRET_KEY": "cli-test",
           "PORT": str(free_port()), "IMBUTO_ACCESS_LOG": "0", "PYTHONPATH": str(ROOT / "src")}
    env.pop("IMBUTO_TASKS_BACKEND", None)
    return subprocess.Popen([IMBUTO, "serve", "--workers", "1", "--threads", "1", *flags], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_serve_starts_a_worker_and_the_scheduler_and_stops_them(tmp_path):
    db = tmp_path / "imbuto.sqlite3"
    done = imbuto(db, "migrate", "--no-input", "-v", "0")
    assert done.returncode == 0, done.stderr
    proc = serve(db)
    try:
        wait_until(lambda: rows(db, "workers_workerprocess") and rows(db, "workers_lease"), timeout=90)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert "Holding the scheduler lock (database lease)" in out
    assert "notifications.retry_emails: */5 * * * *" in out
    assert rows(db, "workers_workerprocess") == [] and rows(db, "workers_lease") == []  # stopped cleanly
    assert "Traceback" not in out


def test_serve_without_them(tmp_path):
    db = tmp_path / "imbuto.sqlite3"
    assert imbuto(db, "migrate", "--no-input", "-v", "0").returncode == 0
    proc = serve(db, "--no-worker", "--no-scheduler")
    try:
        wait_until(lambda: "Imbuto is starting" in (proc.stdout.readline() or ""), timeout=90)
        time.sleep(5)  # long enough for a worker or a scheduler to have recorded itself
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
    assert rows(db, "workers_workerprocess") == [] and rows(db, "workers_lease") == []
    assert "scheduler lock" not in out
