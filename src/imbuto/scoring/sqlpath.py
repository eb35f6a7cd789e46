"""The rescore of a batch as one SQL statement (PostgreSQL): fit points as CASE expressions over the
lead columns, engagement from the same GROUP BY as the Python path (scoring.compute), caps, the total,
the changed `score` written and LeadScore upserted, all inside the database. The same rules as
scoring.rules.fit_matches and scoring.compute.score_rows (tests/scoring/test_sql_path.py compares
them lead by lead); the explanation of one lead still comes from the Python path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Lower, Trim, Upper
from django.utils import timezone

from imbuto.intake.models import EngagementEvent
from imbuto.leads.models import Campaign, Channel, Lead

from . import compute
from . import rules as R


def _condition(rule: R.RuleSpec) -> Q:
    """The lead condition of a fit rule, as rules.fit_matches decides it."""
    how = R.ATTRIBUTES[rule.attribute].how
    values = sorted(rule.values)
    if how == "flag":
        if rule.attribute == "has_vat_id":
            return ~Q(vat_id="") & ~Q(quality_flags__has_key="vat_id")
        return ~Q(consent_basis="")
    if how == "keywords":
        q = Q(pk__in=[])
        for word in values:
            q |= Q(_lc_job_title__contains=word)
        return q
    if how == "country":
        return Q(_uc_country__in=values)
    if how == "choice":
        return Q(**{f"{rule.attribute}__in": values})
    if how == "channel":
        return Q(channel_id__in=list(Channel.objects.filter(slug__in=values).values_list("pk", flat=True)))
    if how == "campaign":
        ids = [
            pk
            for pk, name in Campaign.objects.values_list("pk", "name")
            if name.strip().lower() in rule.values
        ]
        return Q(campaign_id__in=ids)
    return Q(**{f"_lc_{rule.attribute}__in": values})


def _fit_queryset(lead_q: Q, fit_rules: Sequence[R.RuleSpec]) -> Any:
    """The unmerged leads of `lead_q`: id, stored score and `fit`, the sum of one CASE per fit rule."""
    qs = Lead.objects.filter(lead_q, merged_into__isnull=True).order_by()
    qs = qs.annotate(
        _lc_job_title=Lower("job_title"),
        _uc_country=Upper(Trim("country")),
        **{f"_lc_{name}": Lower(Trim(name)) for name in ("industry", "region", "language")},
    )
    fit: Any = Value(0, output_field=IntegerField())
    for r in fit_rules:
        fit = fit + Case(
            When(_condition(r), then=Value(r.points)), default=Value(0), output_field=IntegerField()
        )
    return qs.annotate(fit=fit).values("id", "score", "fit")


def _scores_sql(
    lead_q: Q, event_q: Q | None, rules: Sequence[R.RuleSpec], now: dt.datetime
) -> tuple[str, list[Any]]:
    """The CTEs `e` (engagement: one GROUP BY lead over the events) and `t` (per lead: its stored
    `score`, `fit`, `engagement` and the new `total`), as text ending after `t`'s definition, with its
    parameters. `event_q` None: every event (the whole table, one pass)."""
    fit_rules = [r for r in rules if r.kind == "fit"]
    engaged = [r for r in rules if r.kind == "engagement"]
    lead_sql, lead_params = _fit_queryset(lead_q, fit_rules).query.sql_with_params()
    if engaged:
        events = EngagementEvent.objects.all() if event_q is None else EngagementEvent.objects.filter(event_q)
        aggregate = compute.engagement_queryset(events, engaged, now, counts=False)
        event_sql, event_params = aggregate.query.sql_with_params()
        parts = []
        for r in engaged:
            raw = f'({r.points}::float8 * COALESCE(a."d{r.id}", 0))'
            parts.append(raw if r.cap is None else f"GREATEST(LEAST({raw}, {int(r.cap)}), {-int(r.cap)})")
        # Each lead's engagement is summed where its events are aggregated, so the join below carries
        # one number a lead. Materialised: one pass over the events (a hash aggregate) instead of
        # walking the events index in lead order to feed a merge join.
        events_cte = (
            f"e AS MATERIALIZED (SELECT a.lead_id, {' + '.join(parts)} AS engagement FROM ({event_sql}) a),"  # noqa: S608
        )
        engagement, join = "COALESCE(e.engagement, 0::float8)", "LEFT JOIN e ON e.lead_id = l.id"
    else:
        event_params, engagement, join, events_cte = (), "0::float8", "", ""
    sql = f"""
        WITH {events_cte} s AS (
            SELECT l.id, l.score, l.fit, ({engagement}) AS engagement
            -- OFFSET 0 keeps the subquery whole: each lead's fit is computed once, not once for
            -- every place below that names it (the filter, the total, the column)
            FROM ({lead_sql} OFFSET 0) l {join}
        ), t AS (
            SELECT id, score, fit, engagement, round(fit + engagement)::int AS total FROM s
        )"""  # noqa: S608 (identifiers and numbers of our own; values are parameters)
    return sql, [*event_params, *lead_params]


def _store(changed: str) -> str:
    """The LeadScore upsert of the rows of `changed` (id, fit, engagement, total), counted."""
    return f"""
        INSERT INTO scoring_leadscore (lead_id, fit, engagement, total, computed_at, promoted_to)
        SELECT id, fit, round(engagement)::int, total, %s, '' FROM {changed}
        ON CONFLICT (lead_id) DO UPDATE SET fit = EXCLUDED.fit, engagement = EXCLUDED.engagement,
            total = EXCLUDED.total, computed_at = EXCLUDED.computed_at
        RETURNING 1"""  # noqa: S608


def rescore(lead_q: Q, event_q: Q, rules: Sequence[R.RuleSpec], now: dt.datetime) -> tuple[int, int]:
    """Rescore the leads of `lead_q` (a few ids: after an event) in one statement: (scored, changed)."""
    scores, params = _scores_sql(lead_q, event_q, rules, now)
    table = connection.ops.quote_name(Lead._meta.db_table)
    sql = f"""{scores}, changed AS (
            UPDATE {table} SET score = t.total FROM t
            WHERE {table}.id = t.id AND {table}.score IS DISTINCT FROM t.total
              -- the batch's id range, so the join reads the batch's rows, not the whole table
              AND {table}.id BETWEEN (SELECT min(id) FROM t) AND (SELECT max(id) FROM t)
            RETURNING t.id, t.fit, t.engagement, t.total
        ), stored AS ({_store("changed")})
        SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM stored)
    """  # noqa: S608 (identifiers and numbers of our own; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, now))
        scored, changed = cursor.fetchone()
    return int(scored), int(changed)


# The whole-table statement reads every event and every lead: hash aggregate and hash join in memory
# (1,000,000 leads need about 150 MB with hash_mem_multiplier 2), and never the lead_id index, which
# would fetch the scattered events one by one (at 1,000,000 leads the planner chose it with 64 MB:
# 23 s instead of 3).
WHOLE_TABLE_SETTINGS = ("work_mem = '128MB'", "enable_indexscan = off", "enable_bitmapscan = off")
WRITE_CHUNK = 20_000  # changed scores written per transaction: row locks held briefly, a kill loses little


def rescore_everything(
    rules: Sequence[R.RuleSpec], now: dt.datetime, *, chunk: int = WRITE_CHUNK
) -> tuple[int, int]:
    """Every unmerged lead (the nightly decay, or after the rules changed): (scored, changed).

    One read-only statement (one pass over the events, one over the leads) keeps every total that
    differs from the stored score in a temporary table; then the changed scores are written, `chunk`
    of them a transaction, each with one UPDATE ... FROM and one LeadScore upsert. A lead edited, or
    given an event, after the computation began is left alone: its own rescore task (which that change
    enqueued) computes it from newer data than this run saw."""
    started = timezone.now()
    scored, last_event, ids = _compute_changed(rules, now)
    table = connection.ops.quote_name(Lead._meta.db_table)
    events = connection.ops.quote_name(EngagementEvent._meta.db_table)
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            lo, hi = ids[start], ids[min(start + chunk, len(ids)) - 1]
            with transaction.atomic():
                cursor.execute(
                    f"""WITH changed AS (
                        UPDATE {table} AS l SET score = c.total FROM scoring_changed c
                        WHERE l.id = c.id AND l.id BETWEEN %s AND %s AND c.id BETWEEN %s AND %s
                          AND l.score IS DISTINCT FROM c.total AND l.updated_at < %s
                          AND l.id NOT IN (SELECT ev.lead_id FROM {events} ev WHERE ev.id > %s)
                        RETURNING c.id, c.fit, c.engagement, c.total
                    ), stored AS ({_store("changed")})
                    SELECT count(*) FROM stored""",  # noqa: S608
                    [lo, hi, lo, hi, started, last_event, now],
                )
                changed += cursor.fetchone()[0]
        cursor.execute("DROP TABLE scoring_changed")
    return int(scored), int(changed)


def _compute_changed(rules: Sequence[R.RuleSpec], now: dt.datetime) -> tuple[int, int, list[int]]:
    """Step one of rescore_everything, in one snapshot: every total that differs from the stored score
    into the temporary table `scoring_changed`. (leads scored, the last event id seen, changed ids)."""
    scores, params = _scores_sql(Q(), None, rules, now)
    table = connection.ops.quote_name(Lead._meta.db_table)
    events = connection.ops.quote_name(EngagementEvent._meta.db_table)
    with connection.cursor() as cursor:
        with transaction.atomic():
            cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {events}")  # noqa: S608 (the index's end)
            last_event = cursor.fetchone()[0]
            for setting in WHOLE_TABLE_SETTINGS:
                cursor.execute(f"SET LOCAL {setting}")
            cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_changed")
            cursor.execute(
                f"CREATE TEMP TABLE scoring_changed AS {scores}"  # noqa: S608
                " SELECT id, fit, engagement, total FROM t WHERE score IS DISTINCT FROM total",
                params,
            )
            cursor.execute(f"SELECT count(*) FROM {table} WHERE merged_into_id IS NULL")  # noqa: S608
            scored = cursor.fetchone()[0]
        cursor.execute("CREATE INDEX ON scoring_changed (id)")
        cursor.execute("ANALYZE scoring_changed")
        cursor.execute("SELECT id FROM scoring_changed ORDER BY id")
        return int(scored), int(last_event), [row[0] for row in cursor.fetchall()]
