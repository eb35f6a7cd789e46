"""The deals board with 5,000 open deals in one pipeline (issue 13): render time and queries.

Each database gets a fresh schema, 6 reps in two teams and 5,000 open deals spread over the four open
stages of the default pipeline (plus 500 closed in the last month), with amounts, owners and idle
times. Timed in the same run, on the same rows (median of 15 runs each, after a warm-up):
- the floor: the two reads any board needs, in plain SQL: the per-stage count and sums (one GROUP BY)
  and the first 50 rows of each column (one query per column);
- the board page as an admin (everything) and as a rep (their own deals): GET /deals/board/ through
  Django's test client (middleware, templates, the whole answer), with its number of queries;
- a card moved through the board (HTMX POST /deals/<id>/move/: deal_move and the board redrawn).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DESCRIPTION = "Deals board with 5,000 open deals in one pipeline: render time and queries vs a SQL floor"
DEALS, RUNS = 5_000, 15


def _median(fn: Any, runs: int = RUNS) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def worker(deals: int) -> dict[str, Any]:
    import django

    django.setup()
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from imbuto.deals.models import Deal, Pipeline
    from imbuto.users.models import Team, User

    rng = random.Random(13)
    teams = [Team.objects.create(name=n, slug=n.lower()) for n in ("North", "South")]
    reps = [User.objects.create(username=f"rep{i}", role="rep", team=teams[i % 2]) for i in range(6)]
    admin = User.objects.create(username="boss", role="admin", is_superuser=True)
    pipeline = Pipeline.objects.get(is_default=True)
    stages = list(pipeline.stages.all())
    open_stages = [s for s in stages if s.outcome == "open"]
    now = timezone.now()
    rows = []
    for i in range(deals):
        owner = reps[i % len(reps)]
        rows.append(
            Deal(
                name=f"Deal {i}",
                pipeline=pipeline,
                stage=open_stages[i % 4],
                owner=owner,
                team_id=owner.team_id,
                amount=Decimal(rng.randint(1, 500) * 100),
                expected_close=(now + dt.timedelta(days=rng.randint(0, 120))).date(),
                stage_changed_at=now - dt.timedelta(days=rng.randint(0, 40)),
            )
        )
    for i in range(deals // 10):
        stage = stages[4 + i % 2]
        rows.append(
            Deal(
                name=f"Closed {i}",
                pipeline=pipeline,
                stage=stage,
                status=stage.outcome,
                owner=reps[i % 6],
                amount=Decimal(1000),
                closed_at=now - dt.timedelta(days=i % 30),
            )
        )
    Deal.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def floor() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT stage_id, count(*), sum(amount) FROM deals_deal WHERE pipeline_id = %s "
                "GROUP BY stage_id",
                [pipeline.pk],
            )
            cursor.fetchall()
            for stage in stages:
                cursor.execute(
                    "SELECT id, name, amount, owner_id, stage_changed_at FROM deals_deal WHERE "
                    "stage_id = %s ORDER BY stage_changed_at, id LIMIT 50",
                    [stage.pk],
                )
                cursor.fetchall()

    from django.core.signals import request_started
    from django.db import reset_queries

    request_started.disconnect(reset_queries)  # so the queries of one request can be counted
    figures: dict[str, Any] = {"deals_open": deals, "floor_ms": _median(floor)}
    for name, user in (("admin", admin), ("rep", reps[0])):
        client = Client()
        client.force_login(user)
        response = client.get("/deals/board/", HTTP_HOST="localhost")
        assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get("/deals/board/", HTTP_HOST="localhost")
        figures[f"board_{name}_ms"] = _median(lambda c=client: c.get("/deals/board/", HTTP_HOST="localhost"))
        figures[f"board_{name}_queries"] = len(queries)
        figures[f"board_{name}_kib"] = round(len(response.content) / 1024, 1)
    client = Client()
    client.force_login(admin)
    movable = list(Deal.objects.filter(status="open").order_by("pk")[: RUNS + 1])
    targets = iter(movable)

    def move() -> None:
        deal = next(targets)
        response = client.post(
            f"/deals/{deal.pk}/move/",
            {"stage": "negotiation", "version": deal.version},
            HTTP_HX_REQUEST="true",
            HTTP_HOST="localhost",
        )
        assert response.status_code == 200, response.content[:300]

    figures["move_ms"] = _median(move, RUNS)
    figures.update(_load_more(client, admin, pipeline, stages[0], connection, CaptureQueriesContext))
    figures["ratio_board_admin_to_floor"] = round(
        figures["board_admin_ms"] / max(figures["floor_ms"], 0.1), 1
    )
    return figures


def _load_more(client: Any, admin: Any, pipeline: Any, stage: Any, connection: Any, capture: Any) -> dict:
    """A column's "load more" (GET /deals/board/cards/, keyset): the second page, a deep one (past
    1,000 cards: a keyset costs the same), its queries, and the floor (the page's SELECT in SQL)."""
    from imbuto.deals import selectors

    column = next(c for c in selectors.board(admin, pipeline, {}) if c.stage == stage)
    cursors, cursor = [column.next_cursor], column.next_cursor
    while cursor:
        cursor = selectors.board_cards(admin, pipeline, stage, {}, cursor=cursor).next_cursor
        if cursor:
            cursors.append(cursor)
    last = selectors.board_cards(admin, pipeline, stage, {}, cursor=cursors[-1]).cards[0]

    def page(cursor: str) -> Any:
        url = f"/deals/board/cards/?pipeline={pipeline.pk}&stage={stage.key}&cursor={cursor}"
        response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HOST="localhost")
        assert response.status_code == 200, response.content[:300]
        return response

    def floor() -> None:
        with connection.cursor() as db:
            db.execute(
                "SELECT id, name, amount, owner_id, stage_changed_at FROM deals_deal WHERE stage_id = %s "
                "AND (stage_changed_at > %s OR (stage_changed_at = %s AND id > %s)) "
                "ORDER BY stage_changed_at, id LIMIT 51",
                [stage.pk, last.stage_changed_at, last.stage_changed_at, last.pk],
            )
            db.fetchall()

    with capture(connection) as queries:
        page(cursors[0])
    figures = {
        "more_pages": len(cursors) + 1,
        "more_ms": _median(lambda: page(cursors[0])),
        "more_deep_ms": _median(lambda: page(cursors[-1])),
        "more_queries": len(queries),
        "more_floor_ms": _median(floor),
    }
    figures["ratio_more_to_floor"] = round(figures["more_ms"] / max(figures["more_floor_ms"], 0.1), 1)
    return figures


def run(ctx: Any) -> dict:
    deals = 1_000 if ctx.quick else DEALS
    figures: dict[str, Any] = {}
    src = str(Path(__file__).resolve().parents[2] / "src")
    for kind in ctx.available():
        url = ctx.fresh_database(kind)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "imbuto.settings",
            "IMBUTO_SECRET_KEY": os.environ.get("IMBUTO_SECRET_KEY", "bench"),
            "IMBUTO_ALLOWED_HOSTS": "localhost",
            "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        }
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(deals)],
            env=env,
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise RuntimeError(f"{kind} worker failed: {out.stderr[-3000:]}")
        figures[kind] = json.loads(out.stdout.strip().splitlines()[-1])
        ctx.log(kind, figures[kind])
    summary = "; ".join(
        f"{kind}: board {f['board_admin_ms']} ms / {f['board_admin_queries']} queries (admin), "
        f"{f['board_rep_ms']} ms (rep), move {f['move_ms']} ms, floor {f['floor_ms']} ms, "
        f"load more {f['more_ms']} ms / {f['more_queries']} queries (deep {f['more_deep_ms']} ms, "
        f"floor {f['more_floor_ms']} ms)"
        for kind, f in figures.items()
    )
    return {"summary": summary, "databases": list(figures), "figures": figures}


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    print(json.dumps(worker(int(sys.argv[2]))))
