"""The dashboard's KPI queries (issue 14) on PostgreSQL with N leads, N/5 deals and 5N activities over
three years, beside a plain SQL aggregate over the raw tables in the same run.

Data is generated in SQL (generate_series): 60 reps in 6 teams, the seeded channels, 30 campaigns,
leads spread over three years through every stage (with response clocks for a third and one stage
move in the history for half), deals (won, lost, open) with a product line each, and activities.
Then the summary tables are built (`analytics.summary.rebuild`, timed) and, for each slice (the whole
and by rep, team, channel, campaign, country, product), over random quarters of the three years:
`analytics.kpis.compute` (every KPI of the slice, as the dashboard and `GET /api/v1/analytics/kpis`
compute them, from the summary tables) against the plain aggregate over the raw tables (count and
sum of the quarter's leads and won deals grouped by the slice's column, rows fetched). Also timed: a
manager's view (their team's rows through the permission rule), the live computation from the raw
tables once for two slices, the refresh after one lead's and one deal's change, and a sweep.

BENCH_ANALYTICS_LEADS sets N (default 1,000,000, the issue's size); BENCH_ANALYTICS_ROUNDS the quarters
timed per slice (default 8). The database is the helper's own (BENCH_ANALYTICS_URL, default
postgres://postgres@127.0.0.1:5432/imbuto_analytics), recreated.
"""

# ruff: noqa: E501
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

DESCRIPTION = "Dashboard KPI queries (any quarter, any slice) on N leads / N/5 deals / 5N activities vs plain SQL"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/imbuto_analytics"
SLICES = (None, "rep", "team", "channel", "campaign", "country", "product")


def run(ctx) -> dict:
    n = 20_000 if ctx.quick else int(os.environ.get("BENCH_ANALYTICS_LEADS", "1000000"))
    url = os.environ.get("BENCH_ANALYTICS_URL", DEFAULT_URL)
    import psycopg
    from context import _pg_params  # bench/, on the path of bench/run.py

    params = _pg_params(url)
    name = params.pop("dbname")
    with psycopg.connect(**params, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ctx.prepare(url)
    env = {**os.environ, "DATABASE_URL": url, "IMBUTO_SECRET_KEY": os.environ.get("IMBUTO_SECRET_KEY", "bench")}
    proc = subprocess.run([sys.executable, __file__, "--child", str(n)], env=env, capture_output=True, text=True,
                          check=False)
    sys.stderr.write(proc.stderr[-4000:])
    if proc.returncode:
        raise RuntimeError(f"child failed: {proc.stderr[-2000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    worst = max(figures["slices"].values(), key=lambda s: s["p95_ms"])
    size = "" if n >= 1_000_000 else " (the issue's size is 1,000,000 / 200,000 / 5,000,000)"
    return {
        "summary": (f"{n:,} leads / {figures['deals']:,} deals / {figures['activities']:,} activities{size}: "
                    f"worst slice p95 {worst['p95_ms']} ms ({worst['ratio']}x its plain aggregate; aim 300 ms), "
                    f"from summary tables rebuilt in {figures['rebuild_s']} s (live: {figures['live_ms']['all']} ms)"),
        "databases": ["postgres"],
        **figures,
    }


# ---- the child: Django on the database --------------------------------------------------------------


def _generate(n: int) -> dict:
    from _generate import array as _array
    from _generate import insert as _insert
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from imbuto.activities.models import Activity
    from imbuto.analytics.models import Target
    from imbuto.core.models import HistoryEntry
    from imbuto.deals.models import Deal, DealLine, Pipeline, PipelineStage, Product
    from imbuto.leads.models import Account, Campaign, Channel, Lead
    from imbuto.sla.models import LeadSla
    from imbuto.users.models import Team, User

    with connection.cursor() as cur:
        cur.execute("SELECT setseed(0.14)")
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(6)]
    reps = [User.objects.create(username=f"rep{i}", role="rep", team=teams[i % 6]) for i in range(60)]
    rep_ids, team_of = [r.pk for r in reps], [r.team_id for r in reps]
    channels = list(Channel.objects.values_list("pk", flat=True))
    campaigns = [Campaign.objects.create(name=f"C{i}", channel_id=channels[i % len(channels)], cost=1000 + i * 100,
                                         starts_on=f"{2024 + i % 3}-{1 + i % 12:02d}-01").pk for i in range(30)]
    products = [Product.objects.create(code=f"P{i}", name=f"Product {i}").pk for i in range(12)]
    accounts = n // 50
    Account.objects.bulk_create([Account(name=f"Account {i}", country=("IT", "DE", "FR")[i % 3]) for i in range(accounts)],
                                batch_size=5000)
    first_account = Account.objects.order_by("pk").values_list("pk", flat=True)[0]
    stages = ["suspect", "lead", "mql", "sql", "opportunity", "customer", "discarded", "parked"]
    t0 = time.monotonic()
    # leads: created uniformly over 2023-10-01 .. 2026-10-01
    born = f"timestamptz '2023-10-01' + (g::float / {n}) * interval '1096 days'"
    deal_born = f"timestamptz '2023-10-01' + (5 * g::float / {n}) * interval '1096 days' + interval '3 days'"
    _insert(Lead, {
        "created_at": born,
        "updated_at": f"LEAST({born} + interval '5 days', now() - interval '1 day')",
        "owner_id": f"({_array(rep_ids)})[1 + g % 60]",
        "team_id": f"({_array(team_of)})[1 + g % 60]",
        "channel_id": f"({_array(channels)})[1 + (g / 7) % {len(channels)}]",
        "campaign_id": f"CASE WHEN g % 10 < 3 THEN ({_array(campaigns)})[1 + g % 30] END",
        "country": f"({_array(['IT', 'IT', 'DE', 'FR', 'ES'])})[1 + g % 5]",
        "stage": f"({_array(stages)})[1 + (g::bigint * 7919) % 8]",
        "disposition_reason": "CASE WHEN (g::bigint * 7919) % 8 = 6 THEN 'spam' WHEN (g::bigint * 7919) % 8 = 7 THEN 'not_ready' ELSE '' END",
        "first_contacted_at": f"CASE WHEN g % 10 < 7 THEN {born} + (random() * 2000) * interval '1 minute' END",
        "stage_changed_at": f"{born} + interval '5 days'",
        "last_name": "'Lead ' || g",
    }, f"FROM generate_series(1, {n}) g")
    lead_min = Lead.objects.order_by("pk").values_list("pk", flat=True)[0]
    ct = ContentType.objects.get_for_model(Lead).pk
    _insert(LeadSla, {"lead_id": "l.id", "started_at": "l.created_at", "temperature": "'hot'",
                      "due_at": "l.created_at + interval '1 hour'", "first_contact_at": "l.first_contacted_at"},
            "FROM leads_lead l WHERE l.id % 3 = 0")
    _insert(HistoryEntry, {"object_type_id": str(ct), "object_id": "l.id", "action": "'transition'",
                           "at": "l.stage_changed_at", "changes": "jsonb_build_object('stage', jsonb_build_array('lead', l.stage))",
                           "actor_label": "'bench'"}, "FROM leads_lead l WHERE l.id % 2 = 0")
    pipe = Pipeline.objects.create(name="Bench sales")
    st = [PipelineStage.objects.create(pipeline=pipe, key=k, name=k, position=i, probability=p, outcome=o).pk
          for i, (k, p, o) in enumerate([("qualification", 20, "open"), ("proposal", 50, "open"),
                                         ("negotiation", 75, "open"), ("won", 100, "won"), ("lost", 0, "lost")])]
    deals = n // 5
    # deal g comes from lead 5g: created 3 days after it; 45 % won, 40 % lost, 15 % open
    _insert(Deal, {
        "name": "'Deal ' || g", "pipeline_id": str(pipe.pk),
        "stage_id": f"CASE WHEN g % 20 < 9 THEN {st[3]} WHEN g % 20 < 17 THEN {st[4]} ELSE ({_array(st[:3])})[1 + g % 3] END",
        "status": "CASE WHEN g % 20 < 9 THEN 'won' WHEN g % 20 < 17 THEN 'lost' ELSE 'open' END",
        "amount": "1000 + (g * 37) % 20000", "currency": "'EUR'",
        "owner_id": f"({_array(rep_ids)})[1 + (5 * g) % 60]", "team_id": f"({_array(team_of)})[1 + (5 * g) % 60]",
        "lead_id": f"{lead_min - 1} + 5 * g", "account_id": f"{first_account} + g % {accounts}",
        "created_at": deal_born,
        "updated_at": f"LEAST({deal_born} + interval '1 day', now() - interval '1 day')", "stage_changed_at": "now()",
        "closed_at": f"CASE WHEN g % 20 < 17 THEN {deal_born} + (10 + g % 110) * interval '1 day' END",
        "expected_close": "CASE WHEN g % 20 >= 17 THEN (now() + (g % 120) * interval '1 day')::date END",
        "version": "1",
    }, f"FROM generate_series(1, {deals}) g")
    _insert(DealLine, {"deal_id": "d.id", "product_id": f"({_array(products)})[1 + d.id % 12]",
                       "quantity": "1", "unit_price": "d.amount"}, "FROM deals_deal d")
    activities = 5 * n
    _insert(Activity, {"kind": f"({_array(['call', 'email', 'meeting', 'note', 'task'])})[1 + g % 5]",
                       "subject": "'Activity'", "lead_id": f"{lead_min} + g % {n}",
                       "owner_id": f"({_array(rep_ids)})[1 + g % 60]",
                       "occurred_at": f"timestamptz '2023-10-01' + (g::float / {activities}) * interval '1096 days'",
                       "created_at": f"timestamptz '2023-10-01' + (g::float / {activities}) * interval '1096 days'",
                       "updated_at": "now()"}, f"FROM generate_series(1, {activities}) g")
    Target.objects.bulk_create([Target(user_id=r, period_kind="quarter", period_start=f"{y}-{m:02d}-01", amount=100000)
                                for r in rep_ids for y in (2024, 2025, 2026) for m in (1, 4, 7, 10)])
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return {"leads": n, "deals": deals, "activities": activities, "generate_s": round(time.monotonic() - t0, 1)}


PLAIN = {None: ("", ""), "rep": ("owner_id", "owner_id"), "team": ("team_id", "team_id"),
         "channel": ("channel_id", "(SELECT channel_id FROM leads_lead WHERE id = d.lead_id)"),
         "campaign": ("campaign_id", "(SELECT campaign_id FROM leads_lead WHERE id = d.lead_id)"),
         "country": ("country", "(SELECT country FROM leads_account WHERE id = d.account_id)"),
         "product": ("", "(SELECT product_id FROM deals_dealline WHERE deal_id = d.id LIMIT 1)")}


def _plain(by, start, end) -> None:
    from django.db import connection

    lead_col, deal_col = PLAIN[by]
    lead_group = f"{lead_col}, " if lead_col else ""
    deal_group = f"{deal_col}, " if deal_col else ""
    with connection.cursor() as cur:
        cur.execute(f"SELECT {lead_group}count(*) FROM leads_lead WHERE created_at >= %s AND created_at < %s"
                    + (f" GROUP BY {lead_col}" if lead_col else ""), [start, end])
        cur.fetchall()
        cur.execute(f"SELECT {deal_group}count(*), sum(amount) FROM deals_deal d WHERE status = 'won' AND closed_at >= %s"
                    " AND closed_at < %s" + (" GROUP BY 1" if deal_col else ""), [start, end])
        cur.fetchall()


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def _figures(ours: list[float], plain: list[float]) -> dict:
    return {"p95_ms": round(_p95(ours), 1), "median_ms": round(sorted(ours)[len(ours) // 2], 1),
            "plain_p95_ms": round(_p95(plain), 1), "ratio": round(_p95(ours) / max(_p95(plain), 0.1), 1)}


def _child(n: int) -> None:
    import django

    django.setup()
    from imbuto.analytics import kpis, summary
    from imbuto.analytics.periods import parse_period
    from imbuto.analytics.slicing import bounds
    from imbuto.deals.models import Deal
    from imbuto.leads.models import Lead
    from imbuto.users.models import Team, User

    figures = _generate(n)
    t = time.monotonic()
    built = summary.rebuild()
    figures["rebuild_s"] = round(time.monotonic() - t, 1)
    figures["summary_rows"] = {k: v for k, v in built.items() if k != "seconds"}
    print("rebuilt", figures["rebuild_s"], figures["summary_rows"], file=sys.stderr, flush=True)
    lead_ids = list(Lead.objects.order_by("?").values_list("pk", flat=True)[:5])
    deal_ids = list(Deal.objects.order_by("?").values_list("pk", flat=True)[:5])
    figures["refresh_ms"] = {
        "one_lead_median": round(sorted(_timed(lambda i=i: summary.refresh_leads([i])) for i in lead_ids)[2], 1),
        "one_deal_median": round(sorted(_timed(lambda i=i: summary.refresh_deals([i])) for i in deal_ids)[2], 1),
        "sweep": round(_timed(summary.sweep), 1),
    }
    rounds = int(os.environ.get("BENCH_ANALYTICS_ROUNDS", "8"))
    quarters = [f"{y}-Q{q}" for y in (2024, 2025, 2026) for q in (1, 2, 3, 4)][:11]
    rng = random.Random(14)
    load = [os.getloadavg()[0]]
    out, sources = {}, set()
    for by in SLICES:
        ours, plain = [], []
        for _ in range(rounds):
            period = parse_period(rng.choice(quarters))
            start, end = bounds(period)
            sources.add(kpis.source_for(None, period).name)
            ours.append(_timed(lambda period=period, by=by: kpis.compute(None, period, by)))
            plain.append(_timed(lambda by=by, start=start, end=end: _plain(by, start, end)))
        out[by or "all"] = _figures(ours, plain)
        print(by, out[by or "all"], file=sys.stderr, flush=True)
    # the same through a manager's permissions (their team's rows only), and live from the raw tables
    manager = User.objects.create(username="manager0", role="manager", team=Team.objects.order_by("pk").first())
    scoped, live = {}, {}
    for by in (None, "channel"):
        ours, plain = [], []
        for _ in range(rounds):
            period = parse_period(rng.choice(quarters))
            start, end = bounds(period)
            ours.append(_timed(lambda period=period, by=by: kpis.compute(manager, period, by)))
            plain.append(_timed(lambda by=by, start=start, end=end: _plain(by, start, end)))
        scoped[by or "all"] = _figures(ours, plain)
    for by in (None, "rep"):
        period = parse_period(quarters[5])
        live[by or "all"] = round(_timed(lambda period=period, by=by: kpis.compute(None, period, by, live=True)), 1)
    load.append(os.getloadavg()[0])
    print("manager", scoped, "live", live, file=sys.stderr, flush=True)
    print(json.dumps({**figures, "rounds": rounds, "sources": sorted(sources), "slices": out,
                      "manager": scoped, "live_ms": live, "load_avg_1m_during": load}))


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the _generate helpers
    _child(int(sys.argv[2]))
