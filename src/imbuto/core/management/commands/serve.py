"""`imbuto serve [--host H] [--port P]`: the production server (gunicorn, threaded workers).

Also starts one background task worker (`imbuto worker`: django-tasks-db, or RQ when configured) and
the scheduler of periodic jobs (`imbuto scheduler`) beside it, so imports, notifications and nightly
jobs run without a second command; `--no-worker` / `--no-scheduler` when they run elsewhere (several
schedulers are safe: one fires, the others stand by). Static files are served by
WhiteNoise from inside the app. Defaults come from HOST, PORT, IMBUTO_WORKERS, IMBUTO_THREADS.
gunicorn's own errors (a request line over 8190 bytes: 414) are answered in the API's JSON shape
(core.gunicorn_worker).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from gunicorn.app.base import BaseApplication

from imbuto.core import ratelimit
from imbuto.core.env import env_bool, env_int, env_str
from imbuto.core.gunicorn_worker import MAX_REQUEST_LINE


def port_number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return value


def default_workers() -> int:
    """Two processes on a 2-core machine, at most four; threads make up the concurrency."""
    fallback = min(max(os.cpu_count() or 1, 2), 4)
    return env_int("IMBUTO_WORKERS", env_int("WEB_CONCURRENCY", fallback, minimum=1), minimum=1)


def rate_limit_note(workers: int) -> str:
    """Say at start-up when rate limits and the token throttle count per process."""
    if workers < 2 or ratelimit.shared():
        return ""
    return (f"  rate limits count per process: with {workers} workers a visitor gets up to {workers}x "
            "the limits; set IMBUTO_CACHE=redis (and REDIS_URL) to share them")


def display_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", ""):  # noqa: S104 - only for display
        host = "127.0.0.1"
    elif host == "::":
        host = "[::1]"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def _die_with_parent() -> None:
    """Linux: the task worker gets SIGTERM when the server dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class ImbutoApplication(BaseApplication):
    """gunicorn with our options and the Django WSGI app, loaded once before forking (preload)."""

    def __init__(self, **options: Any) -> None:
        self.options = {
            "worker_class": "imbuto.core.gunicorn_worker.JsonErrorWorker", "preload_app": True,
            "limit_request_line": MAX_REQUEST_LINE, "timeout": 60, "graceful_timeout": 20,
            "keepalive": 5, "errorlog": "-", "loglevel": env_str("IMBUTO_LOG_LEVEL", "info"),
            "accesslog": "-" if env_bool("IMBUTO_ACCESS_LOG", True) else None,
            "control_socket_disable": True,  # one per user home: would clash between instances
            "forwarded_allow_ips": env_str("IMBUTO_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            **options,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from imbuto.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Imbuto with gunicorn (production server) and a background task worker."
    requires_migrations_checks = True

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"),
                            help="address to listen on (default: HOST or 127.0.0.1)")
        parser.add_argument("--port", type=port_number, default=env_str("PORT", "8000"),
                            help="port (default: PORT or 8000)")
        parser.add_argument("--workers", type=int, default=default_workers(),
                            help="processes (default: IMBUTO_WORKERS or 2 per 2 cores)")
        parser.add_argument("--threads", type=int, default=env_int("IMBUTO_THREADS", 4, minimum=1),
                            help="threads per process (default: IMBUTO_THREADS or 4)")
        parser.add_argument("--no-worker", action="store_true",
                            help="do not start the background task worker")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="do not start the scheduler of periodic jobs")

    def handle(self, *args: Any, host: str, port: int, workers: int, threads: int, no_worker: bool,
               no_scheduler: bool, **options: Any) -> None:
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        self._check_port(host, port)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when missing
        self._banner(host, port, workers, threads)
        connections.close_all()  # never share a database connection with forked workers
        helpers = []
        if not no_worker and self._tasks_need_a_worker():
            helpers.append(self._start("worker"))
        if not no_scheduler and self._tasks_need_a_worker():
            helpers.append(self._start("scheduler"))
        try:
            ImbutoApplication(bind=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                              workers=workers, threads=threads).run()
        finally:
            for helper in helpers:
                if helper.poll() is None:
                    helper.terminate()
            for helper in helpers:
                try:
                    helper.wait(10)
                except subprocess.TimeoutExpired:
                    helper.kill()  # a task cut short runs again on the next worker

    def _check_port(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((host, port))
            except OSError as exc:
                raise CommandError(f"Cannot listen on {host}:{port}: {exc.strerror}. "
                                   "Is Imbuto already running? Choose another one with PORT=... "
                                   "or --port.") from exc

    def _banner(self, host: str, port: int, workers: int, threads: int) -> None:
        from imbuto.core.registry import STARTUP_NOTES

        db = settings.DATABASES[DEFAULT_DB_ALIAS]
        where = db["NAME"]
        if not db["ENGINE"].endswith("sqlite3"):
            where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or ''}/{db['NAME']}"
        self.stdout.write(f"Imbuto is starting on {display_url(host, port)}")
        self.stdout.write(f"  database: {connections[DEFAULT_DB_ALIAS].vendor} {where}; "
                          f"{workers} worker(s) x {threads} thread(s)")
        if note := rate_limit_note(workers):
            self.stdout.write(note)
        if host in ("0.0.0.0", "::"):  # noqa: S104 - a hint, not a bind
            self.stdout.write("  listening on all interfaces: add your host name to IMBUTO_ALLOWED_HOSTS")
        for lines_of in STARTUP_NOTES:  # e.g. the demo logins (leads.extensions)
            for line in lines_of():
                self.stdout.write(line)
        self.stdout.flush()

    def _tasks_need_a_worker(self) -> bool:
        """Tasks queued in the database or Redis (not run inline by the immediate backend)."""
        backend = settings.TASKS.get("default", {}).get("BACKEND", "")
        return backend.startswith(("django_tasks_db.", "django_tasks_rq."))

    def _start(self, command: str) -> subprocess.Popen:
        """`imbuto worker` or `imbuto scheduler` as a child that dies with the server."""
        cmd = [sys.executable, "-m", "imbuto.cli", command]
        return subprocess.Popen(cmd, preexec_fn=_die_with_parent)  # noqa: S603, PLW1509
