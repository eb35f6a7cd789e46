"""Real processes for the worker and scheduler tests: `imbuto worker` / `imbuto scheduler` on the test
database (and on Redis db 3 for RQ)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
IMBUTO = str(Path(sys.executable).with_name("imbuto"))
REDIS_URL = "redis://127.0.0.1:6379/3"
RQ = {"IMBUTO_TASKS_BACKEND": "django_tasks_rq.RQBackend", "REDIS_URL": REDIS_URL}
DB: dict[str, str] = {}


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def env(**extra: str) -> dict[str, str]:
    ours = ("IMBUTO_TASKS_BACKEND", "IMBUTO_TASKS_IMMEDIATE")
    base = {k: v for k, v in os.environ.items() if k not in ours}
    return {**base, "DATABASE_URL": database_url(), "IMBUTO_SECRET_KEY": "workers-test",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", "IMBUTO_LOG_LEVEL": "info", **extra}


def start(log: Path, *args: str, **extra: str) -> subprocess.Popen:
    """`imbuto ARGS` in the background, its output in the file `log`."""
    with log.open("a") as out:
        return subprocess.Popen([IMBUTO, *args], env=env(**extra), cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT, text=True)


def run(*args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([IMBUTO, *args], env=env(**extra), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)


def python(code: str, timeout: float = 60, **extra: str) -> subprocess.CompletedProcess:
    """Django set up in a fresh interpreter with this environment, then `code`."""
    script = "import django; django.setup()\n" + code
    return subprocess.run([sys.executable, "-c", script], env={**env(**extra), "DJANGO_SETTINGS_MODULE":
                                                              "imbuto.settings"},
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)


def wait_until(check, timeout: float = 30, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(every)
    raise AssertionError(f"not true after {timeout} s: {check}")


def stop(proc: subprocess.Popen, timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
