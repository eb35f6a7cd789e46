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
from django.db.models import Case, IntegerField, Max, Q, Value, When
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


def _factor(half_life: float | None, days: str) -> str:
    """SQL: 0.5 ** (`days` / half-life), at most compute.MAX_HALVINGS halvings (1 without a half-life).
    Carried forward, a stored sum (0, or at least compute.TINY_SUM) never underflows: PostgreSQL's
    float8 arithmetic raises on underflow instead of giving 0."""
    if not half_life:
        return "1::float8"
    return f"POWER(0.5::float8, LEAST(({days}) / {float(half_life)!r}::float8, {compute.MAX_HALVINGS!r}))"


def _stored_sum(index: int) -> str:
    """SQL: the decayed sum LeadScore (alias `ls`) keeps at `index` (0-based), 0 when it keeps none."""
    return f"COALESCE(ls.decayed[{int(index) + 1}], 0::float8)"


def _kept(column: str) -> str:
    """SQL: a computed decayed sum as LeadScore keeps it (0 below compute.TINY_SUM)."""
    return f"(CASE WHEN COALESCE({column}, 0) < {compute.TINY_SUM!r} THEN 0::float8 ELSE {column} END)"


def _engagement(engaged: Sequence[R.RuleSpec], sums: dict[int, str]) -> str:
    """SQL: the capped points of the engagement rules from each rule's decayed count (`sums`, never
    negative, so a rule's points have its sign: one bound of the cap is enough)."""
    parts = []
    for r in engaged:
        raw = f"({r.points}::float8 * {sums[r.id]})"
        if r.cap is None:
            parts.append(raw)
        else:
            parts.append(f"LEAST({raw}, {int(r.cap)})" if r.points > 0 else f"GREATEST({raw}, {-int(r.cap)})")
    return " + ".join(parts) if parts else "0::float8"


def _scores_sql(
    lead_q: Q, event_q: Q | None, rules: Sequence[R.RuleSpec], now: dt.datetime, key: str
) -> tuple[str, list[Any]]:
    """The CTEs `e` (engagement: one GROUP BY lead over the events) and `t` (per lead: its stored
    `score`, `fit`, `engagement`, the new `total`, the decayed sums as LeadScore keeps them (`decayed`,
    `usable`: no event dated after `now`) and `state_changed`: whether they differ from the stored ones
    (as compute.state_changed decides)), as text ending after `t`'s definition, with its parameters.
    `event_q` None: every event (the whole table, one pass)."""
    fit_rules = [r for r in rules if r.kind == "fit"]
    engaged = [r for r in rules if r.kind == "engagement"]
    lead_sql, lead_params = _fit_queryset(lead_q, fit_rules).query.sql_with_params()
    if engaged:
        events = EngagementEvent.objects.all() if event_q is None else EngagementEvent.objects.filter(event_q)
        aggregate = compute.engagement_queryset(events, engaged, now, counts=False).annotate(
            latest=Max("occurred_at")
        )
        event_sql, event_params = aggregate.query.sql_with_params()
        sums = ", ".join(f'a."d{r.id}"' for r in engaged)
        engagement = _engagement(engaged, {r.id: f'COALESCE(a."d{r.id}", 0)' for r in engaged})
        # Each lead's engagement is summed where its events are aggregated, so the join below carries
        # one row a lead. Materialised: one pass over the events (a hash aggregate) instead of
        # walking the events index in lead order to feed a merge join.
        events_cte = (
            f"e AS MATERIALIZED (SELECT a.lead_id, {engagement} AS engagement, {sums}, a.latest"  # noqa: S608
            f" FROM ({event_sql}) a),"
        )
        join = "LEFT JOIN e ON e.lead_id = l.id"
        columns = "COALESCE(e.engagement, 0::float8) AS engagement, e.latest, " + ", ".join(
            f"e.d{r.id}" for r in engaged
        )
        ordered = compute.engagement_rules(rules)
        decayed = "ARRAY[{}]::float8[]".format(", ".join(_kept(f"s.d{r.id}") for r in ordered))
        days = "EXTRACT(EPOCH FROM (%s::timestamptz - ls.engagement_as_of))::float8 / 86400.0"
        differs = " OR ".join(
            f"abs({_kept(f's.d{r.id}')} - {_stored_sum(i)} * {_factor(r.half_life_days, 'd.days')})"
            f" > {compute.SAME_SUM!r} * GREATEST({_kept(f's.d{r.id}')}, 1)"
            for i, r in enumerate(ordered)
        )
    else:
        event_params, join, events_cte = (), "", ""
        columns = "0::float8 AS engagement, NULL::timestamptz AS latest"
        decayed, differs = "'{}'::float8[]", "false"
        days = "0::float8 + 0 * EXTRACT(EPOCH FROM %s::timestamptz)"
    sql = f"""
        WITH {events_cte} s AS (
            SELECT l.id, l.score, l.fit, {columns}
            -- OFFSET 0 keeps the subquery whole: each lead's fit is computed once, not once for
            -- every place below that names it (the filter, the total, the column)
            FROM ({lead_sql} OFFSET 0) l {join}
        ), t AS (
            SELECT s.id, s.score, s.fit, s.engagement, round(s.fit + s.engagement)::int AS total,
                {decayed} AS decayed, (s.latest IS NULL OR s.latest <= %s) AS usable,
                (ls.lead_id IS NULL OR ls.rules_key <> %s OR ls.fit <> s.fit
                 OR CASE WHEN ls.engagement_as_of IS NULL OR COALESCE(s.latest > %s, false)
                         THEN (ls.engagement_as_of IS NULL) <> COALESCE(s.latest > %s, false)
                         ELSE {differs} END) AS state_changed
            FROM s LEFT JOIN scoring_leadscore ls ON ls.lead_id = s.id
                CROSS JOIN LATERAL (SELECT {days} AS days) d
        )"""  # noqa: S608 (identifiers and numbers of our own; values are parameters)
    return sql, [*event_params, *lead_params, now, key, now, now, now]


def _store(rows: str) -> str:
    """The LeadScore upsert of the rows of `rows` (id, fit, engagement, total, decayed, usable), the
    decayed sums as of the computation's time (the first parameter), counted."""
    return f"""
        INSERT INTO scoring_leadscore (lead_id, fit, engagement, total, computed_at, promoted_to,
                                       decayed, engagement_as_of, rules_key)
        SELECT id, fit, round(engagement)::int, total, %s, '', decayed,
               CASE WHEN usable THEN %s::timestamptz END, %s FROM {rows}
        ON CONFLICT (lead_id) DO UPDATE SET fit = EXCLUDED.fit, engagement = EXCLUDED.engagement,
            total = EXCLUDED.total, computed_at = EXCLUDED.computed_at, decayed = EXCLUDED.decayed,
            engagement_as_of = EXCLUDED.engagement_as_of, rules_key = EXCLUDED.rules_key
        RETURNING 1"""  # noqa: S608


def rescore(lead_q: Q, event_q: Q, rules: Sequence[R.RuleSpec], now: dt.datetime) -> tuple[int, int]:
    """Rescore the leads of `lead_q` (a few ids: after an event) in one statement: (scored, changed).
    LeadScore is written for the changed scores and for every lead whose decayed sums the nightly decay
    would not reproduce (a new or back-dated event, other rules, another fit)."""
    key = compute.rules_key(rules)
    scores, params = _scores_sql(lead_q, event_q, rules, now, key)
    table = connection.ops.quote_name(Lead._meta.db_table)
    sql = f"""{scores}, changed AS (
            UPDATE {table} SET score = t.total FROM t
            WHERE {table}.id = t.id AND {table}.score IS DISTINCT FROM t.total
              -- the batch's id range, so the join reads the batch's rows, not the whole table
              AND {table}.id BETWEEN (SELECT min(id) FROM t) AND (SELECT max(id) FROM t)
            RETURNING t.id
        ), stored AS ({_store("(SELECT * FROM t WHERE state_changed OR score IS DISTINCT FROM total) w")})
        SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM changed)
    """  # noqa: S608 (identifiers and numbers of our own; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, now, now, key))
        scored, changed = cursor.fetchone()
    return int(scored), int(changed)


# The whole-table statement reads every event and every lead: hash aggregate and hash join in memory
# (1,000,000 leads need about 150 MB with hash_mem_multiplier 2), and never the lead_id index, which
# would fetch the scattered events one by one (at 1,000,000 leads the planner chose it with 64 MB:
# 23 s instead of 3).
WHOLE_TABLE_SETTINGS = ("work_mem = '128MB'", "enable_indexscan = off", "enable_bitmapscan = off")
WRITE_CHUNK = 20_000  # changed scores written per transaction: row locks held briefly, a kill loses little


# Leads without usable stored sums (no LeadScore yet, other rules, an event dated later) above which the
# nightly run reads the whole events table in one pass rather than their events in batches of ids.
STALE_WHOLE = 50_000
STALE_BATCH = 5000


def rescore_everything(
    rules: Sequence[R.RuleSpec], now: dt.datetime, *, chunk: int = WRITE_CHUNK
) -> tuple[int, int]:
    """Every unmerged lead (the nightly decay, or after the rules changed): (scored, changed).

    The nightly decay does not read the events: each lead whose LeadScore keeps decayed sums computed
    with the current rules (`rules_key`) gets fit + the capped points of its sums carried forward to
    `now` (compute.rules_key, _from_sums). The others take the events: in batches of their ids when
    they are few (new leads, an event dated after its computation), else (after a rule change) one
    read-only pass over the whole events and lead tables, which also stores their sums.

    The changed totals are kept in a temporary table, then written `chunk` of them a transaction, each
    with one UPDATE ... FROM and one LeadScore write. A lead edited, or given an event, after the
    computation began is left alone: its own rescore task (which that change enqueued) computes it
    from newer data than this run saw."""
    started = timezone.now()
    key = compute.rules_key(rules)
    engaged = [r for r in rules if r.kind == "engagement"]
    scored, last_event, ids, stale = _from_sums(engaged, now, key)
    if len(stale) > STALE_WHOLE:
        scored, last_event, ids = _compute_changed(rules, now, key)
        stale = []
        changed = _write_changed(ids, chunk, started, last_event, _WRITE_WITH_SUMS, [now, now, key])
    else:
        changed = _write_changed(ids, chunk, started, last_event, _WRITE_TOTALS, [])
    for start in range(0, len(stale), STALE_BATCH):
        part = stale[start : start + STALE_BATCH]
        with transaction.atomic():
            changed += rescore(Q(pk__in=part), Q(lead_id__in=part), rules, now)[1]
    return int(scored), int(changed)


# The writes of one chunk of `scoring_changed` (ids lo..hi), leads edited (`updated_at`) or given an
# event (an id above the last one the computation saw) after the computation began left alone.
# From the stored sums: the changed totals into the lead column only. LeadScore keeps what the last
# computation from the events gave (parts, sums, their time): rewriting its rows for the decay would
# cost as much again (1,000,000 leads: 4.5 s of CPU for the writes instead of 2.8 s) for numbers
# nobody reads (the lead's `score` is the current total; the explanation computes the parts anew).
_WRITE_TOTALS = """WITH changed AS (
        UPDATE {table} AS l SET score = c.total FROM scoring_changed c
        WHERE l.id = c.id AND l.id BETWEEN %(lo)s AND %(hi)s AND c.id BETWEEN %(lo)s AND %(hi)s
          AND NOT c.stale AND l.score IS DISTINCT FROM c.total AND l.updated_at < %(started)s
          AND l.id NOT IN (SELECT ev.lead_id FROM {events} ev WHERE ev.id > %(last)s)
        RETURNING 1
    )
    SELECT count(*) FROM changed"""
# From the events: the changed totals, and the LeadScore rows with their new sums (also of leads whose
# total stays but whose sums the stored ones do not give).
_WRITE_WITH_SUMS = """WITH g AS (
        SELECT c.* FROM scoring_changed c JOIN {table} l ON l.id = c.id
        WHERE c.id BETWEEN %(lo)s AND %(hi)s AND l.id BETWEEN %(lo)s AND %(hi)s
          AND l.updated_at < %(started)s
          AND l.id NOT IN (SELECT ev.lead_id FROM {events} ev WHERE ev.id > %(last)s)
    ), changed AS (
        UPDATE {table} AS l SET score = g.total FROM g
        WHERE l.id = g.id AND l.id BETWEEN %(lo)s AND %(hi)s
          AND l.score IS DISTINCT FROM g.total AND l.updated_at < %(started)s
        RETURNING g.id
    ), stored AS ({store})
    SELECT count(*) FROM changed"""


def _write_changed(
    ids: list[int], chunk: int, started: dt.datetime, last_event: int, statement: str, params: list[Any]
) -> int:
    """The rows of `scoring_changed` written by `statement` (_WRITE_TOTALS or _WRITE_WITH_SUMS, with
    `params` as %(p0)s...), `chunk` ids a transaction; the table dropped after. Changed scores."""
    table = connection.ops.quote_name(Lead._meta.db_table)
    events = connection.ops.quote_name(EngagementEvent._meta.db_table)
    store = ""
    if "{store}" in statement:  # the upsert's three parameters by name
        store = _store("g").replace("%s", "%({})s").format(*(f"p{i}" for i in range(len(params))))
    sql = statement.format(table=table, events=events, store=store)
    named = {f"p{i}": value for i, value in enumerate(params)}
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), chunk):
            lo, hi = ids[start], ids[min(start + chunk, len(ids)) - 1]
            with transaction.atomic():
                cursor.execute(sql, {"lo": lo, "hi": hi, "started": started, "last": last_event, **named})
                changed += cursor.fetchone()[0]
        cursor.execute("DROP TABLE scoring_changed")
    return changed


def _from_sums(
    engaged: Sequence[R.RuleSpec], now: dt.datetime, key: str
) -> tuple[int, int, list[int], list[int]]:
    """Step one of the nightly decay, in one snapshot and without the events: into the temporary table
    `scoring_changed` every total that differs from the stored score, of the leads whose LeadScore keeps
    usable sums (computed with the rules of `key`, as of `now` or earlier), and every lead that has
    none (`stale`). (leads scored, the last event id seen, changed ids, stale ids)."""
    table = connection.ops.quote_name(Lead._meta.db_table)
    events = connection.ops.quote_name(EngagementEvent._meta.db_table)
    engaged = compute.engagement_rules(engaged)
    # one factor per half-life (several rules may share one), computed once per lead
    halves = sorted({r.half_life_days for r in engaged if r.half_life_days})
    days = f"({now.timestamp()!r}::float8 - date_part('epoch', ls.engagement_as_of)) / 86400.0"
    factors = "".join(f", {_factor(h, days)} AS f{i}" for i, h in enumerate(halves))
    sums = {
        r.id: f"ls.decayed[{i + 1}]"
        + (f" * ls.f{halves.index(r.half_life_days)}" if r.half_life_days else "")
        for i, r in enumerate(engaged)
    }
    engagement = _engagement(engaged, sums)
    with connection.cursor() as cursor:
        with transaction.atomic():
            # the index's end: the guard of the writes, one row read through the primary key
            cursor.execute(f"SELECT COALESCE(max(id), 0) FROM {events}")  # noqa: S608
            last_event = cursor.fetchone()[0]
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("DROP TABLE IF EXISTS pg_temp.scoring_changed")
            cursor.execute("CREATE TEMP TABLE scoring_changed (id bigint, stale boolean, total integer)")
            # One pass: the changed and stale leads into the table, and the count of the leads scored
            # (a second count(*) would read the lead table again: 0.3 s at 1,000,000 leads).
            cursor.execute(
                f"""WITH n AS (
                    SELECT l.id, ls.lead_id IS NULL AS stale, ls.total,
                        (ls.lead_id IS NULL OR l.score IS DISTINCT FROM ls.total) AS keep
                    FROM {table} l LEFT JOIN (
                        -- each lead's total computed where LeadScore is read, so the join carries
                        -- a few numbers a lead; OFFSET 0: its decay factors computed once
                        SELECT ls.lead_id, round(ls.fit + ls.engagement)::int AS total FROM (
                            SELECT ls.lead_id, ls.fit, {engagement} AS engagement FROM (
                                SELECT ls.lead_id, ls.fit, ls.decayed {factors}
                                FROM scoring_leadscore ls
                                WHERE ls.rules_key = %s AND ls.engagement_as_of <= %s
                                  AND cardinality(ls.decayed) = {len(engaged)} OFFSET 0
                            ) ls
                        ) ls
                    ) ls ON ls.lead_id = l.id
                    WHERE l.merged_into_id IS NULL
                ), kept AS (
                    INSERT INTO scoring_changed
                    SELECT id, stale, total FROM n WHERE keep
                )
                SELECT count(*) FROM n""",  # noqa: S608
                [key, now],
            )
            scored = cursor.fetchone()[0]
        cursor.execute("CREATE INDEX ON scoring_changed (id)")
        cursor.execute("ANALYZE scoring_changed")
        cursor.execute("SELECT id, stale FROM scoring_changed ORDER BY id")
        rows = cursor.fetchall()
    ids = [i for i, is_stale in rows if not is_stale]
    return int(scored), int(last_event), ids, [i for i, is_stale in rows if is_stale]


def _compute_changed(rules: Sequence[R.RuleSpec], now: dt.datetime, key: str) -> tuple[int, int, list[int]]:
    """The whole-table computation from the events, in one snapshot: every total that differs from the
    stored score, or whose decayed sums differ from the stored ones, into the temporary table
    `scoring_changed`. (leads scored, the last event id seen, changed ids)."""
    scores, params = _scores_sql(Q(), None, rules, now, key)
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
                " SELECT id, false AS stale, fit, engagement, total, decayed, usable FROM t"
                " WHERE score IS DISTINCT FROM total OR state_changed",
                params,
            )
            cursor.execute(f"SELECT count(*) FROM {table} WHERE merged_into_id IS NULL")  # noqa: S608
            scored = cursor.fetchone()[0]
        cursor.execute("CREATE INDEX ON scoring_changed (id)")
        cursor.execute("ANALYZE scoring_changed")
        cursor.execute("SELECT id FROM scoring_changed ORDER BY id")
        return int(scored), int(last_event), [row[0] for row in cursor.fetchall()]
