"""The set-based computation of rules scores: one query for the leads' attributes and one aggregate
query over their engagement rows per batch (decay and counts computed by the database), then plain
Python (scoring.rules) over the aggregated rows. A single lead is a batch of one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, F, FloatField, Func, Max, Q, QuerySet, Sum, Value, When

from imbuto.intake.models import EngagementEvent
from imbuto.leads.models import Campaign, Channel, Lead

from . import rules as R
from .models import ScoringRule


@dataclass
class Part:
    """What one rule gave a lead: points (decayed and capped), when (the latest event counted, or the
    time of the computation for a fit rule), how many events, whether the cap held it."""

    rule_id: int
    name: str
    kind: str
    points: float
    at: dt.datetime | None
    events: int = 0
    capped: bool = False


@dataclass
class Result:
    lead_id: int
    fit: int = 0
    engagement: float = 0.0
    parts: list[Part] = field(default_factory=list)
    lead: dict[str, Any] = field(default_factory=dict)
    # per engagement rule with events: its decayed event count at the computation (what LeadScore
    # keeps for the nightly decay), and the latest event's time
    decayed: dict[int, float] = field(default_factory=dict)
    latest: dt.datetime | None = None

    @property
    def total(self) -> int:
        return round(self.fit + self.engagement)


class Decay(Func):
    """0.5 ** (age in days / half-life) of an event, computed in SQL (SQLite: Django's POWER function
    and julianday; PostgreSQL: the epoch difference). At most MAX_HALVINGS halvings: PostgreSQL raises
    on float8 underflow (an event 1,100 half-lives old) instead of giving 0."""

    output_field = FloatField()

    def __init__(self, expression: Any, *, now: dt.datetime, half_life_days: float) -> None:
        super().__init__(expression)
        self.now, self.half_life = now, float(half_life_days)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        column, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"POWER(0.5::float8, LEAST(GREATEST(EXTRACT(EPOCH FROM (%s::timestamptz - {column}))::float8, 0)"
            f" / 86400.0 / %s, {MAX_HALVINGS}))"
        )
        return sql, (self.now, *params, self.half_life)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        column, params = compiler.compile(self.source_expressions[0])
        now = connection.ops.adapt_datetimefield_value(self.now)
        sql = f"POWER(0.5, MIN(MAX(julianday(%s) - julianday({column}), 0) / %s, {MAX_HALVINGS}))"
        return sql, (now, *params, self.half_life)


def active_rules() -> list[R.RuleSpec]:
    """The active rules as plain specs (values normalised for comparison)."""
    return [spec(rule) for rule in ScoringRule.objects.filter(is_active=True).order_by("id")]


def spec(rule: ScoringRule) -> R.RuleSpec:
    return R.RuleSpec(
        id=rule.pk,
        name=rule.name,
        kind=rule.kind,
        points=rule.points,
        attribute=rule.attribute,
        values=R.comparable(rule.attribute, rule.values or []),
        event_kind=rule.event_kind,
        cap=rule.cap,
        half_life_days=rule.half_life_days,
    )


def engagement_aggregates(
    events: QuerySet[EngagementEvent], rules: Sequence[R.RuleSpec], now: dt.datetime
) -> dict[int, dict[str, Any]]:
    """{lead_id: {column: value}} from one GROUP BY lead over `events`: per rule its decayed event count
    (`d<id>`), and per engagement kind its count (`n_<kind>`) and latest time (`t_<kind>`)."""
    engaged = [r for r in rules if r.kind == "engagement"]
    if not engaged:
        return {}
    rows = engagement_queryset(events, engaged, now, counts=True)
    return {row["lead_id"]: dict(row) for row in rows}


def engagement_queryset(
    events: QuerySet[EngagementEvent], engaged: Sequence[R.RuleSpec], now: dt.datetime, *, counts: bool
) -> Any:
    """The GROUP BY lead over `events` (unevaluated): `d<id>` per engagement rule, and with `counts`
    `n_<kind>`/`t_<kind>` per kind."""
    aggregates: dict[str, Any] = {}
    for kind in sorted({r.event_kind for r in engaged}) if counts else ():
        aggregates[f"n_{kind}"] = Count("id", filter=Q(kind=kind))
        aggregates[f"t_{kind}"] = Max("occurred_at", filter=Q(kind=kind))
    for r in engaged:
        factor = (
            Decay(F("occurred_at"), now=now, half_life_days=r.half_life_days)
            if r.half_life_days
            else Value(1.0)
        )
        aggregates[f"d{r.id}"] = Sum(
            Case(When(kind=r.event_kind, then=factor), default=Value(0.0), output_field=FloatField())
        )
    return (
        events.filter(kind__in={r.event_kind for r in engaged})
        .order_by()
        .values("lead_id")
        .annotate(**aggregates)
    )


def score_rows(
    leads: Iterable[dict[str, Any]],
    aggregates: dict[int, dict[str, Any]],
    rules: Sequence[R.RuleSpec],
    now: dt.datetime,
) -> list[Result]:
    """Each lead's score from its attributes (fit) and its aggregated engagement (plain Python)."""
    results = []
    for lead in leads:
        result = Result(lead_id=lead["id"], lead=lead)
        agg = aggregates.get(lead["id"], {})
        for rule in rules:
            if rule.kind == "fit":
                if R.fit_matches(rule, lead):
                    result.fit += rule.points
                    result.parts.append(Part(rule.id, rule.name, "fit", float(rule.points), now))
                continue
            count = agg.get(f"n_{rule.event_kind}") or 0
            if not count:
                continue
            at = agg.get(f"t_{rule.event_kind}")
            if at is not None and (result.latest is None or at > result.latest):
                result.latest = at
            decayed = float(agg.get(f"d{rule.id}") or 0.0)
            if decayed:
                result.decayed[rule.id] = decayed
            raw = rule.points * decayed
            points = R.capped(raw, rule.cap)
            result.engagement += points
            result.parts.append(
                Part(
                    rule.id,
                    rule.name,
                    "engagement",
                    round(points, 2),
                    agg.get(f"t_{rule.event_kind}"),
                    count,
                    points != raw,
                )
            )
        results.append(result)
    return results


def compute_for(
    lead_filter: Q, event_filter: Q, rules: Sequence[R.RuleSpec], now: dt.datetime
) -> list[Result]:
    """Scores of the (unmerged) leads matching `lead_filter`; `event_filter` selects their events."""
    leads = list(
        Lead.objects.filter(lead_filter, merged_into__isnull=True).order_by("id").values(*R.LEAD_FIELDS)
    )
    if not leads:
        return []
    aggregates = engagement_aggregates(EngagementEvent.objects.filter(event_filter), rules, now)
    return score_rows(leads, aggregates, rules, now)


# ---- the stored decayed sums (the nightly decay without the events) --------------------------------

# Two decayed sums are "the same" within this relative difference: float noise of the two ways of
# computing them (one factor per event, or the sum at T times one factor), not a missing event.
SAME_SUM = 1e-9
# Sums below this are kept as 0: they cannot move a total, and carried forward they could underflow
# (an error in PostgreSQL's float8 arithmetic, not a zero).
TINY_SUM = 1e-100
# A sum carried forward more half-lives than this is 0 to any total (0.5 ** 600 is about 2e-181).
MAX_HALVINGS = 600.0


def rules_key(rules: Sequence[R.RuleSpec]) -> str:
    """The fingerprint of what a lead's stored `fit` and decayed sums depend on: every fit rule as it
    matches (channel and campaign rules by the ids they match, so a renamed campaign counts as a
    change) and every engagement rule's id, event kind and half-life. Points and caps of engagement
    rules are not in it: the nightly run applies the current ones to the stored sums."""
    parts: list[Any] = []
    for r in sorted(rules, key=lambda r: r.id):
        if r.kind == "fit":
            how = R.ATTRIBUTES[r.attribute].how if r.attribute in R.ATTRIBUTES else ""
            matched: list[Any] = []
            if how == "channel":
                matched = sorted(Channel.objects.filter(slug__in=r.values).values_list("pk", flat=True))
            elif how == "campaign":
                matched = sorted(
                    pk
                    for pk, name in Campaign.objects.values_list("pk", "name")
                    if name.strip().lower() in r.values
                )
            parts.append(["fit", r.id, r.attribute, sorted(r.values), r.points, matched])
        else:
            parts.append(["engagement", r.id, r.event_kind, r.half_life_days])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def decay_factor(half_life_days: float | None, days: float) -> float:
    """0.5 ** (days / half-life) (at most MAX_HALVINGS of them), 1 without a half-life."""
    return 0.5 ** min(days / half_life_days, MAX_HALVINGS) if half_life_days else 1.0


def stored_sums(result: Result, engaged: Sequence[R.RuleSpec]) -> list[float]:
    """The decayed sums LeadScore keeps for `result`: one per engagement rule in the order of `engaged`
    (their ids), a sum below TINY_SUM kept as 0."""
    return [v if (v := result.decayed.get(r.id, 0.0)) >= TINY_SUM else 0.0 for r in engaged]


def engagement_rules(rules: Sequence[R.RuleSpec]) -> list[R.RuleSpec]:
    """The engagement rules in the order LeadScore keeps their sums (their ids)."""
    return sorted((r for r in rules if r.kind == "engagement"), key=lambda r: r.id)


def state_changed(
    result: Result,
    stored: Mapping[str, Any] | None,
    rules: Sequence[R.RuleSpec],
    key: str,
    now: dt.datetime,
) -> bool:
    """Whether the LeadScore state of `result` must be written: no row yet, other rules, another fit,
    usable now and not before (or the reverse), or a decayed sum that is not the stored one decayed to
    `now` (an event came, went or was back-dated). Mirrors sqlpath's `state_changed` column."""
    if stored is None or stored["rules_key"] != key or stored["fit"] != result.fit:
        return True
    usable = result.latest is None or result.latest <= now
    as_of = stored["engagement_as_of"]
    if as_of is None or not usable:
        return (as_of is None) != (not usable)
    days = (now - as_of).total_seconds() / 86400.0
    engaged = engagement_rules(rules)
    sums = stored["decayed"] or []
    for i, (rule, new) in enumerate(zip(engaged, stored_sums(result, engaged), strict=True)):
        old = (sums[i] if i < len(sums) else 0.0) * decay_factor(rule.half_life_days, days)
        if abs(new - old) > SAME_SUM * max(abs(new), 1.0) or math.isnan(old):
            return True
    return False
