"""What a benchmark scenario gets as `ctx`: databases, a scratch directory, timers and the CLI.

    def run(ctx) -> dict:
        url = ctx.fresh_database("postgres")          # an empty, migrated database of its own
        with ctx.timer() as t:
            ctx.imbuto("demo", "--leads", "5000", database_url=url)
        return {"summary": f"5,000 demo leads in {t.seconds:.1f} s", "seconds": t.seconds}
"""

from __future__ import annotations

import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/imbuto_bench"


def _pg_params(url: str) -> dict[str, Any]:
    import dj_database_url

    c = dj_database_url.parse(url)
    return {"host": c["HOST"] or "127.0.0.1", "port": c["PORT"] or 5432, "user": c["USER"] or None,
            "password": c["PASSWORD"] or None, "dbname": c["NAME"]}


def pg_reachable(url: str) -> bool:
    import psycopg

    params = {**_pg_params(url), "dbname": "postgres", "connect_timeout": 2}
    try:
        psycopg.connect(**params).close()
    except psycopg.Error:
        return False
    return True


def default_databases() -> dict[str, str | None]:
    """sqlite, postgres (None when no server answers) and primary (BENCH_DATABASE_URL, else PG)."""
    sqlite = os.environ.get("BENCH_SQLITE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    pg = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_PG
    postgres = pg if pg_reachable(pg) else None
    return {"sqlite": sqlite, "postgres": postgres,
            "primary": os.environ.get("BENCH_DATABASE_URL") or postgres or sqlite}


def machine_info() -> dict[str, Any]:
    cpu, ram = platform.processor() or "?", 0.0
    try:
        cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text()).group(1).strip()
        kib = int(re.search(r"MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = round(kib / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    return {"cores": os.cpu_count(), "ram_gib": ram, "cpu": cpu, "python": platform.python_version(),
            "os": platform.platform(terse=True)}


def database_info() -> dict[str, str]:
    """Engine and server version of Django's default connection (after django.setup())."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0].split()[0]
    elif connection.vendor == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        version = ""
    return {"vendor": connection.vendor, "version": version}


def engine_versions() -> dict[str, str]:
    """Versions of the engines available to this run, without Django: {"sqlite": .., "postgres": ..}."""
    import sqlite3

    out = {"sqlite": sqlite3.sqlite_version}
    pg = default_databases()["postgres"]
    if pg:
        import psycopg

        with psycopg.connect(**{**_pg_params(pg), "dbname": "postgres"}) as conn:
            out["postgres"] = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    return out


class Timer:
    seconds: float = 0.0


@dataclass
class Context:
    name: str
    root: Path
    databases: dict[str, str | None]
    quick: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """The database Django is set up on in this process (migrated)."""
        return self.databases["primary"] or ""

    @property
    def scratch(self) -> Path:
        """A directory of this scenario's own under var/bench/, for generated files."""
        path = self.root / "var" / "bench" / self.name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def available(self) -> list[str]:
        """The database kinds usable in this run: 'sqlite' always, 'postgres' when a server answers."""
        return [k for k in ("sqlite", "postgres") if self.databases.get(k)]

    def log(self, *parts: Any) -> None:
        print(f"[{self.name}]", *parts, flush=True)

    @contextmanager
    def timer(self) -> Iterator[Timer]:
        t, start = Timer(), time.perf_counter()
        try:
            yield t
        finally:
            t.seconds = time.perf_counter() - start

    def peak_rss_mib(self) -> float:
        """Peak resident memory of this process so far."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def imbuto(self, *args: str, database_url: str | None = None, check: bool = True,
               capture: bool = False, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Run the `imbuto` CLI in a subprocess against a database (default: the primary one)."""
        exe = shutil.which("imbuto", path=str(Path(sys.executable).parent)) or "imbuto"
        full_env = {**os.environ, "DATABASE_URL": database_url or self.database_url, **(env or {})}
        return subprocess.run([exe, *args], env=full_env, check=check, capture_output=capture, text=True)

    def prepare(self, url: str) -> str:
        """Create the database if it is missing (PostgreSQL) and migrate it."""
        if url.startswith("postgres"):
            import psycopg

            params = _pg_params(url)
            name = params.pop("dbname")
            with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    conn.execute(f'CREATE DATABASE "{name}"')
        self.imbuto("migrate", "--no-input", "-v", "0", database_url=url)
        return url

    def fresh_database(self, kind: str, suffix: str = "") -> str:
        """An empty, migrated database for this scenario: a new SQLite file, or a recreated PG database."""
        tag = re.sub(r"[^a-z0-9_]", "_", f"{self.name}{'_' + suffix if suffix else ''}".lower())
        if kind == "sqlite":
            path = self.scratch / f"{tag}.sqlite3"
            for p in path.parent.glob(path.name + "*"):
                p.unlink()
            return self.prepare(f"sqlite:///{path}")
        base = self.databases.get("postgres")
        if not base:
            raise RuntimeError("PostgreSQL is not reachable for this benchmark run")
        import psycopg

        params = _pg_params(base)
        prefix = params.pop("dbname") or "imbuto_bench"  # BENCH_POSTGRES_URL's name: own names per checkout
        name = f"{prefix}_{tag}"[:63]
        with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.prepare(base.rsplit("/", 1)[0] + "/" + name)
