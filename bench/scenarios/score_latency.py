"""From one new engagement event to the lead's updated score, with a running worker (issue 11, aim:
p95 under 2 s on both task backends).

For each backend (django-tasks-db on PostgreSQL and on SQLite, RQ over Redis on PostgreSQL) a fresh
database gets one engagement rule and a few hundred scored leads; `imbuto worker` runs beside it (the
database worker looks at an empty queue every `BENCH_WORKER_INTERVAL` seconds, default 0.2; RQ is
pushed). The bench then records one `content_view` at a time through intake's events path
(`record_events`, as `POST /api/v1/events` does) and polls the lead's score every 10 ms until it moves.

Floor: the same rescore run inline in the bench process right after the event (no queue, no worker),
so the ratio says what the queue and the worker's wake-up add.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

DESCRIPTION = "New engagement event -> updated score through a running worker, p50/p95 per task backend"
EVENTS = 40
LEADS = 300


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _one(ctx, kind: str, backend: str) -> dict:
    url = ctx.fresh_database(kind, suffix=backend.split(".")[0])
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "IMBUTO_SECRET_KEY": os.environ.get("IMBUTO_SECRET_KEY", "bench"),
        "IMBUTO_TASKS_BACKEND": backend,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7"),  # flushed first
        "IMBUTO_VAR_DIR": str(ctx.scratch / "var"),
    }
    env.pop("IMBUTO_TASKS_IMMEDIATE", None)
    if "rq" in backend:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    interval = os.environ.get("BENCH_WORKER_INTERVAL", "0.2")
    imbuto = Path(sys.executable).with_name("imbuto")
    worker = subprocess.Popen(
        [str(imbuto), "worker", "--interval", interval],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(EVENTS // (4 if ctx.quick else 1))],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    if proc.returncode:
        raise RuntimeError(f"child failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(ctx) -> dict:
    cases = [("sqlite", "django_tasks_db.DatabaseBackend")]
    if "postgres" in ctx.available():
        cases = [
            ("postgres", "django_tasks_db.DatabaseBackend"),
            *cases,
            ("postgres", "django_tasks_rq.RQBackend"),
        ]
    results = {}
    for kind, backend in cases:
        ctx.log(f"{kind} / {backend}")
        results[f"{kind}/{backend.split('.')[0]}"] = _one(ctx, kind, backend)
    summary = "; ".join(
        f"{name}: p50 {r['p50_s']} s, p95 {r['p95_s']} s (inline floor p95 {r['floor_p95_s']} s)"
        for name, r in results.items()
    )
    return {
        "summary": summary + " (aim p95 < 2 s)",
        "databases": sorted({k for k, _ in cases}),
        "interval_s": float(os.environ.get("BENCH_WORKER_INTERVAL", "0.2")),
        "cases": results,
    }


# ---- the child: Django on the fresh database, the worker beside it ---------------------------------


def _child(n_events: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
    django.setup()
    from imbuto.intake.pipeline.engagement import record_events
    from imbuto.leads.models import Lead
    from imbuto.scoring import services as scoring
    from imbuto.users.models import User

    admin = User.objects.create(username="bench-admin", role="admin", is_staff=True)
    scoring.rule_create(
        actor=admin,
        data={
            "name": "Content",
            "kind": "engagement",
            "event_kind": "content_view",
            "points": 5,
            "half_life_days": 30,
            "cap": 1000,
        },
    )
    Lead.objects.bulk_create(Lead(last_name=f"Bench {i}", email=f"b{i}@example.com") for i in range(LEADS))
    ids = list(Lead.objects.order_by("pk").values_list("pk", flat=True))
    scoring.rescore(ids)
    time.sleep(3)  # let the worker drain what the setup enqueued
    latencies, floors = [], []
    for i in range(n_events):
        lead_id = ids[(i * 7) % len(ids)]
        before = Lead.objects.filter(pk=lead_id).values_list("score", flat=True).get()
        start = time.perf_counter()
        record_events([{"type": "content_view", "lead_id": lead_id}], actor=admin)
        while True:
            score = Lead.objects.filter(pk=lead_id).values_list("score", flat=True).get()
            if score != before:
                break
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"lead {lead_id}: score did not move within 30 s")
            time.sleep(0.01)
        latencies.append(time.perf_counter() - start)
        start = time.perf_counter()
        scoring.rescore([lead_id])  # the floor: the same rescore, inline
        floors.append(time.perf_counter() - start)
        time.sleep(0.05)
    print(
        json.dumps(
            {
                "events": n_events,
                "p50_s": round(statistics.median(latencies), 3),
                "p95_s": round(_p95(latencies), 3),
                "max_s": round(max(latencies), 3),
                "floor_p50_s": round(statistics.median(floors), 4),
                "floor_p95_s": round(_p95(floors), 4),
            }
        )
    )


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--child":
    _child(int(sys.argv[2]))
