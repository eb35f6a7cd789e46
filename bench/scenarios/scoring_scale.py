"""Nightly decay and rescoring of N leads with 5N engagement events on PostgreSQL (issue 11, scoring
scale), beside a plain SQL aggregate over the same events table in the same run.

The data is generated in SQL (generate_series) into a fresh database: leads with a spread of fit
attributes, engagement events of six kinds over the last 180 days. Sixteen active rules (ten fit, six
engagement with half-lives and caps). Timed, in one process, against the same tables:

- `plain aggregate`: SELECT lead_id, count(*), max(occurred_at) ... GROUP BY lead_id, every row fetched;
- `first rescore`: `scoring.services.rescore_all()` on unscored leads (writes every score, and each
  lead's decayed sums into LeadScore: one pass over the events);
- `nightly rescore`: `rescore_all(now=+1 day)`: decay moved on a day, computed from the stored decayed
  sums (the events are not read), only the changed scores written: what the product runs nightly;
- a check, untimed in the ratio: the from-events computation at the same time (the old nightly's
  read-only step, timed as `events_compute_s`) and how many leads' totals or sums it finds different
  from what the nightly run left (`nightly_mismatches`, `sums_mismatches`: both must be 0).

Each is timed by the wall clock and by CPU (this process plus its PostgreSQL backend, read from /proc:
the server runs on this machine), with parallel query off in the session so one backend does all of
a statement's work; on a shared machine the CPU ratio moves less with the neighbours' load than the
wall one. Between the first and the nightly run the lead and score tables are vacuumed, as autovacuum
would between two nights (the CI server runs without it).

The work runs in a child process of its own (`--child URL N`) so Django is set up on the fresh database.
BENCH_SCORING_LEADS sets N (default 100,000; the issue's 1,000,000 when the machine allows).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

DESCRIPTION = (
    "Nightly decay + rescore of N leads / 5N engagement events vs a plain SQL aggregate (PostgreSQL)"
)

RULES = [
    {"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 10},
    {"name": "DACH", "kind": "fit", "attribute": "country", "values": ["DE", "AT", "CH"], "points": 6},
    {
        "name": "Manufacturing",
        "kind": "fit",
        "attribute": "industry",
        "values": ["manufacturing"],
        "points": 12,
    },
    {"name": "Retail", "kind": "fit", "attribute": "industry", "values": ["retail"], "points": 5},
    {"name": "Mid-size", "kind": "fit", "attribute": "size_band", "values": ["50-249", "250+"], "points": 15},
    {
        "name": "Decision maker",
        "kind": "fit",
        "attribute": "job_title",
        "values": ["director", "ceo", "head"],
        "points": 20,
    },
    {"name": "Student", "kind": "fit", "attribute": "job_title", "values": ["student"], "points": -30},
    {"name": "VAT id", "kind": "fit", "attribute": "has_vat_id", "points": 8},
    {"name": "Consent", "kind": "fit", "attribute": "consent", "points": 3},
    {"name": "Hot", "kind": "fit", "attribute": "temperature", "values": ["hot"], "points": 10},
    {
        "name": "Content",
        "kind": "engagement",
        "event_kind": "content_view",
        "points": 2,
        "half_life_days": 30,
        "cap": 20,
    },
    {
        "name": "Email open",
        "kind": "engagement",
        "event_kind": "email_open",
        "points": 1,
        "half_life_days": 14,
        "cap": 10,
    },
    {
        "name": "Email click",
        "kind": "engagement",
        "event_kind": "email_click",
        "points": 4,
        "half_life_days": 14,
        "cap": 20,
    },
    {
        "name": "Webinar",
        "kind": "engagement",
        "event_kind": "webinar_attended",
        "points": 15,
        "half_life_days": 60,
        "cap": 45,
    },
    {"name": "Like", "kind": "engagement", "event_kind": "like", "points": 1, "half_life_days": 7},
    {
        "name": "Form",
        "kind": "engagement",
        "event_kind": "form_submit",
        "points": 20,
        "half_life_days": 90,
        "cap": 40,
    },
]
KINDS = ["content_view", "email_open", "email_click", "webinar_attended", "like", "form_submit"]


def run(ctx) -> dict:
    if "postgres" not in ctx.available():
        raise RuntimeError("this scenario needs PostgreSQL")
    n = 10_000 if ctx.quick else int(os.environ.get("BENCH_SCORING_LEADS", "100000"))
    url = ctx.fresh_database("postgres")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "IMBUTO_SECRET_KEY": os.environ.get("IMBUTO_SECRET_KEY", "bench"),
    }
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(n)], env=env, capture_output=True, text=True, check=False
    )
    sys.stderr.write(proc.stderr[-4000:])
    if proc.returncode:
        raise RuntimeError(f"child failed: {proc.stderr[-2000:]}")
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    ratio = figures["nightly_s"] / figures["aggregate_s"]
    figures["nightly_vs_aggregate"] = round(ratio, 2)
    figures["first_vs_aggregate"] = round(figures["first_s"] / figures["aggregate_s"], 2)
    cpu_ratio = figures["nightly_cpu_s"] / max(figures["aggregate_cpu_s"], 0.01)
    figures["nightly_vs_aggregate_cpu"] = round(cpu_ratio, 2)
    size = "" if n >= 1_000_000 else " (the issue's size is 1,000,000 / 5,000,000)"
    return {
        "summary": (
            f"{n:,} leads / {figures['events']:,} events{size}: nightly rescore {figures['nightly_s']} s "
            f"({figures['nightly_changed']:,} changed), first {figures['first_s']} s; plain aggregate "
            f"{figures['aggregate_s']} s; nightly = {ratio:.1f}x the aggregate (aim 3x), "
            f"{cpu_ratio:.1f}x in CPU (from stored decayed sums; {figures['nightly_mismatches']} totals"
            f" differ from the events; load {figures['load_before_nightly'][0]})"
        ),
        "databases": ["postgres"],
        **figures,
    }


# ---- the child: Django on the fresh database ------------------------------------------------------


def _generate(n: int) -> int:
    from _generate import columns, pick
    from django.db import connection

    from imbuto.intake.models import EngagementEvent
    from imbuto.leads.models import Lead

    lead_cols, lead_exprs = columns(
        Lead,
        {
            "first_name": "'Nome' || g",
            "last_name": "'Cognome' || g",
            "email": "'lead' || g || '@example.com'",
            "country": pick(["IT", "IT", "IT", "DE", "FR", "ES", "AT", "CH", "GB", ""], "g * 7"),
            "industry": pick(["manufacturing", "retail", "software", "logistics", "food", ""], "g * 13"),
            "size_band": pick(["1-9", "10-49", "50-249", "250+", ""], "g * 17"),
            "job_title": pick(
                ["CEO", "Sales Director", "Head of IT", "Engineer", "Student", "Buyer", ""], "g * 19"
            ),
            "vat_id": "CASE WHEN g % 3 = 0 THEN 'IT' || lpad(g::text, 11, '0') ELSE '' END",
            "consent_basis": "CASE WHEN g % 2 = 0 THEN 'consent' ELSE '' END",
            "stage": "'suspect'",
            "temperature": pick(["cold", "cold", "warm", "hot"], "g * 23"),
            "purchase_timeframe": "'unknown'",
            "created_at": "now() - (g % 365) * interval '1 day'",
        },
    )
    event_cols, event_exprs = columns(
        EngagementEvent,
        {
            "lead_id": f"1 + ((g * 7919) % {n})",
            "kind": pick(KINDS, "g * 31"),
            "occurred_at": "now() - ((g * 104729) % (180 * 86400)) * interval '1 second'",
            "received_at": "now()",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO leads_lead ({', '.join(lead_cols)}) "  # noqa: S608
            f"SELECT {', '.join(lead_exprs)} FROM generate_series(1::bigint, {int(n)}) AS g"
        )
        cursor.execute("SELECT min(id), max(id) FROM leads_lead")
        first, last = cursor.fetchone()
        assert last - first + 1 == n
        event_exprs = [e.replace("1 + ((g * 7919)", f"{first} + ((g * 7919)") for e in event_exprs]
        cursor.execute(
            f"INSERT INTO intake_engagementevent ({', '.join(event_cols)}) "  # noqa: S608
            f"SELECT {', '.join(event_exprs)} FROM generate_series(1::bigint, {5 * int(n)}) AS g"
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE leads_lead")
        cursor.execute("VACUUM ANALYZE intake_engagementevent")
        cursor.execute("SELECT count(*) FROM intake_engagementevent")
        return cursor.fetchone()[0]


def _backend_cpu() -> float:
    """CPU seconds this session's PostgreSQL backend has used (the server runs on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _timed(work) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process and its backend, result) of `work()`."""
    cpu0, backend0, start = time.process_time(), _backend_cpu(), time.perf_counter()
    result = work()
    wall = time.perf_counter() - start
    return wall, time.process_time() - cpu0 + _backend_cpu() - backend0, result


def _aggregate() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lead_id, count(*), max(occurred_at) FROM intake_engagementevent GROUP BY lead_id"
        )
        rows = 0
        while chunk := cursor.fetchmany(10_000):
            rows += len(chunk)
    return rows


def _vacuum() -> None:
    """What autovacuum does between two nightly runs (the CI server runs without it)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE leads_lead")
        cursor.execute("VACUUM ANALYZE scoring_leadscore")


def _check(now: dt.datetime) -> tuple[int, int]:
    """Leads whose stored score, or stored decayed sums carried to `now`, differ from the computation
    from the events at `now` (the whole-table statement of a rule change, read-only)."""
    from django.db import connection, transaction
    from django.db.models import Q

    from imbuto.scoring import compute, sqlpath

    rules = compute.active_rules()
    scores, params = sqlpath._scores_sql(Q(), None, rules, now, compute.rules_key(rules))
    with connection.cursor() as cursor, transaction.atomic():
        for setting in sqlpath.WHOLE_TABLE_SETTINGS:
            cursor.execute(f"SET LOCAL {setting}")
        cursor.execute(
            f"{scores} SELECT count(*) FILTER (WHERE score IS DISTINCT FROM total),"  # noqa: S608
            " count(*) FILTER (WHERE state_changed) FROM t",
            params,
        )
        scores_off, sums_off = cursor.fetchone()
    return int(scores_off), int(sums_off)


def child(n: int) -> dict:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the _generate helpers
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imbuto.settings")
    django.setup()
    from django.db import connection
    from django.utils import timezone

    from imbuto.scoring import services

    t0 = time.perf_counter()
    events = _generate(n)
    generate_s = time.perf_counter() - t0
    for rule in RULES:
        services.rule_create(actor=None, data=rule)
    connection.close()
    with connection.cursor() as cursor:
        # One process each, so the CPU figures below are this process and its backend, whole.
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    aggregates = [_timed(_aggregate)]
    now = timezone.now()
    first_s, first_cpu, first = _timed(lambda: services.rescore_all(now=now))
    _vacuum()
    load_before = os.getloadavg()
    nightly_s, nightly_cpu, nightly = _timed(lambda: services.rescore_all(now=now + dt.timedelta(days=1)))
    aggregates.append(_timed(_aggregate))
    load_after = os.getloadavg()
    events_s, events_cpu, (mismatches, sums_off) = _timed(lambda: _check(now + dt.timedelta(days=1)))
    aggregate_s = min(a[0] for a in aggregates)  # the warm figures, as the rescore reads warm tables
    aggregate_cpu = min(a[1] for a in aggregates)
    return {
        "leads": n,
        "events": events,
        "generate_s": round(generate_s, 1),
        "aggregate_s": round(aggregate_s, 2),
        "aggregate_cpu_s": round(aggregate_cpu, 2),
        "first_s": round(first_s, 2),
        "first_cpu_s": round(first_cpu, 2),
        "first_changed": first.changed,
        "nightly_s": round(nightly_s, 2),
        "nightly_cpu_s": round(nightly_cpu, 2),
        "nightly_changed": nightly.changed,
        "scored": nightly.scored,
        "leads_per_s_nightly": round(n / nightly_s),
        "nightly_method": "stored decayed sums (LeadScore), events not read",
        "events_compute_s": round(events_s, 2),
        "events_compute_cpu_s": round(events_cpu, 2),
        "nightly_mismatches": mismatches,
        "sums_mismatches": sums_off,
        "load_before_nightly": [round(x, 2) for x in load_before],
        "load_after_nightly": [round(x, 2) for x in load_after],
        "parallel_workers": 0,
    }


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    print(json.dumps(child(int(sys.argv[2]))))
