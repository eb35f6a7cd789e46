"""One-off (not a `make bench` scenario): what domain-event delivery costs an import.

A ROWS-row CSV (default 5,000; bench/scenarios/import_bulk's generator) is imported with `imbuto import
leads` into an empty database, then again under another campaign (every row merges), then the same rows
go through `ingest` as a manager (merges a person made: the notifications receiver enqueues a task per
chunk). Prints the wall time and the time spent inside after-commit event deliveries.

    DATABASE_URL=sqlite:////tmp/events.sqlite3 IMBUTO_SECRET_KEY=x PYTHONPATH=src \
        python bench/events_delivery.py
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "scenarios"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")

import django  # noqa: E402

django.setup()

import import_bulk  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

STATS = {"deliveries": 0, "seconds": 0.0}
_on_commit = transaction.on_commit


def _timed_on_commit(func, using=None, robust=False):  # noqa: ANN001, ANN202
    """Time the callbacks core.events registers (its delivery), leave every other one alone."""
    if (getattr(func, "__module__", "") or "").startswith("imbuto.core.events"):
        def timed() -> None:
            started = time.perf_counter()
            func()
            STATS["seconds"] += time.perf_counter() - started
            STATS["deliveries"] += 1
        return _on_commit(timed, using=using, robust=robust)
    return _on_commit(func, using=using, robust=robust)


def _report(label: str, wall: float) -> None:
    print(f"{label}: {wall:.2f} s wall, delivery {STATS['seconds'] * 1000:.1f} ms "
          f"in {STATS['deliveries']} deliveries")
    STATS.update(deliveries=0, seconds=0.0)


def main() -> None:
    from imbuto.intake.pipeline import SourceRef, ingest
    from imbuto.users.models import User

    transaction.on_commit = _timed_on_commit
    call_command("migrate", verbosity=0)
    path = Path(tempfile.mkdtemp()) / "leads.csv"
    import_bulk.write_csv(path, int(os.environ.get("ROWS", 5000)), 0)
    for campaign, label in (("Bench", "import (new leads)"), ("Bench again", "same file again (merges)")):
        started = time.perf_counter()
        call_command("import_records", "leads", str(path), "--campaign", campaign,
                     "--report", f"{path}.{campaign}.csv", stdout=io.StringIO())
        _report(label, time.perf_counter() - started)
    manager = User.objects.create_user("bench-manager", role="manager")
    with path.open(encoding="utf-8") as fh:
        rows = [dict(zip(import_bulk.FIELDS, row, strict=False)) for row in list(csv.reader(fh))[1:]]
    started = time.perf_counter()
    for start in range(0, len(rows), 2000):
        ingest(rows[start:start + 2000], actor=manager,
               source=SourceRef(kind="import", file_name="again.csv"))
    _report("same rows through ingest by a manager", time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult"
                       " GROUP BY task_path")
        print("tasks enqueued:", cursor.fetchall())


if __name__ == "__main__":
    main()
