"""Routing fairness and throughput: 100,000 leads over 50 reps with different weights and capacities.

Each database gets a fresh schema, one pool of 50 reps (weights 1-5, a capacity on every seventh rep
below its weighted share, so capacity binds), a catch-all default pool and 100,000 unowned SQL leads.
Timed in the same run, on the same leads:
- the floor: one bare `UPDATE leads_lead SET owner_id = ...` over the same leads (then undone);
- routing: `routing.services.leads_route` in batches of 10,000 (as tasks get them), history included:
  lock, read, decide, one UPDATE, the history rows, the LeadUpdated event.
On PostgreSQL the table is vacuumed after the floor's UPDATE is undone (the CI server runs with
autovacuum off), so routing starts from a table as clean as the one the floor updated.
Fairness: each rep's count against their target (weighted share, capacities filled first and the rest
shared by weight among the others), as the largest relative and absolute gaps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DESCRIPTION = "Routing 100,000 leads over 50 weighted reps with capacities: fairness and assignments/s"
LEADS, REPS, BATCH = 100_000, 50, 10_000


def weight_of(i: int) -> int:
    return 1 + i % 5


def targets(total: int, weights: dict[int, int], caps: dict[int, int | None]) -> dict[int, float]:
    """Water-filling: reps whose weighted share exceeds their capacity get their capacity; the rest is
    shared by weight among the others, until nobody's share exceeds their capacity."""
    out: dict[int, float] = {}
    left, open_reps = float(total), set(weights)
    while open_reps:
        unit = left / sum(weights[r] for r in open_reps)
        capped = {r for r in open_reps if caps[r] is not None and weights[r] * unit > caps[r]}
        if not capped:
            out.update({r: weights[r] * unit for r in open_reps})
            break
        for r in capped:
            out[r] = float(caps[r])
            left -= caps[r]
        open_reps -= capped
    return out


def worker(leads: int) -> dict[str, Any]:
    """Runs inside a process whose Django is set up on the database under test."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from imbuto.core.models import HistoryEntry
    from imbuto.leads.models import Lead
    from imbuto.routing import services
    from imbuto.routing.models import Pool, PoolMember
    from imbuto.users.models import Team, User

    team = Team.objects.create(name="Bench", slug="bench")
    users = User.objects.bulk_create(
        [User(username=f"rep{i:02d}", role="rep", team=team) for i in range(REPS)]
    )
    users = list(User.objects.filter(team=team).order_by("username"))
    unit = leads / sum(weight_of(i) for i in range(REPS))
    caps = {u.pk: (int(weight_of(i) * unit * 0.6) if i % 7 == 0 else None) for i, u in enumerate(users)}
    weights = {u.pk: weight_of(i) for i, u in enumerate(users)}
    pool = Pool.objects.create(name="Bench", team=team, is_default=True)
    PoolMember.objects.bulk_create(
        [PoolMember(pool=pool, user=u, weight=weights[u.pk], capacity=caps[u.pk]) for u in users]
    )
    now = timezone.now()
    Lead.objects.bulk_create(
        [Lead(last_name=f"L{i}", stage="sql", country="IT", created_at=now) for i in range(leads)],
        batch_size=5000,
    )
    ids = list(Lead.objects.order_by("pk").values_list("pk", flat=True))
    table = Lead._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:  # the floor: a bare UPDATE of the same leads
        t0 = time.perf_counter()
        cur.execute(
            f"UPDATE {table} SET owner_id = %s WHERE id BETWEEN %s AND %s",  # noqa: S608
            [users[0].pk, ids[0], ids[-1]],
        )
        bare = time.perf_counter() - t0
    Lead.objects.update(owner=None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"VACUUM ANALYZE {table}")
    t0 = time.perf_counter()
    for start in range(0, len(ids), BATCH):
        services.leads_route(actor=None, lead_ids=ids[start : start + BATCH])
    routed = time.perf_counter() - t0
    counts = dict(
        Lead.objects.filter(owner__isnull=False)
        .values_list("owner_id")
        .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("id"))
        .order_by()
    )
    target = targets(leads, weights, caps)
    gaps = {pk: abs(counts.get(pk, 0) - t) for pk, t in target.items()}
    relative = max(gaps[pk] / target[pk] for pk in target)
    over_cap = sum(1 for pk, cap in caps.items() if cap is not None and counts.get(pk, 0) > cap)
    history = HistoryEntry.objects.filter(action="assigned", reason_code="routing.assigned").count()
    return {
        "leads": leads,
        "reps": REPS,
        "assigned": sum(counts.values()),
        "history_rows": history,
        "bare_update_s": round(bare, 3),
        "routing_s": round(routed, 3),
        "bare_rows_per_s": round(leads / bare),
        "assignments_per_s": round(sum(counts.values()) / routed),
        "max_gap_relative_pct": round(relative * 100, 3),
        "max_gap_abs_pct_points": round(max(gaps.values()) / leads * 100, 4),
        "capped_reps": sum(1 for c in caps.values() if c is not None),
        "over_capacity": over_cap,
    }


def run(ctx: Any) -> dict:
    leads = 10_000 if ctx.quick else LEADS
    figures: dict[str, Any] = {}
    src = str(Path(__file__).resolve().parents[2] / "src")
    for kind in ctx.available():
        url = ctx.fresh_database(kind)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "imbuto.settings",
            "IMBUTO_SECRET_KEY": os.environ.get("IMBUTO_SECRET_KEY", "bench"),
            "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        }
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(leads)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        figures[kind] = json.loads(out.stdout.strip().splitlines()[-1])
        ctx.log(kind, figures[kind])
    summary = "; ".join(
        f"{kind}: {f['assignments_per_s']:,}/s routed with history vs "
        f"{f['bare_rows_per_s']:,}/s bare UPDATE, "
        f"max gap to target {f['max_gap_relative_pct']}%"
        for kind, f in figures.items()
    )
    return {"summary": summary, "databases": list(figures), "figures": figures}


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(worker(int(sys.argv[2]))))
