"""Writes of scoring: rules and thresholds (by a marketer or an admin, each change in the history and
followed by a rescore of every lead), and the rescoring itself (`rescore(lead_ids)`, `rescore_all()`):
set-based, batch first, writing only the scores that changed, moving leads over the thresholds through
the lifecycle service with the reason in their history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, explain, history, permissions
from imbuto.core.errors import DomainError, NotFound, ValidationFailed
from imbuto.core.types import Actor
from imbuto.leads.choices import Stage, Timeframe
from imbuto.leads.models import Campaign, Channel, Lead
from imbuto.leads.services import lead_transition

from . import compute, sqlpath
from . import rules as R
from .events import ScoringRulesChanged
from .explanations import BUY_NOW, THRESHOLD_MQL, THRESHOLD_SQL
from .models import LeadScore, ScoringRule, ScoringSettings

BATCH = 5000  # lead ids per batch of rescore(lead_ids)
BATCH_ALL = 20_000  # leads per range of rescore_all where the Python path runs it (SQLite)
RULE_FIELDS = (
    "name",
    "kind",
    "attribute",
    "values",
    "event_kind",
    "points",
    "cap",
    "half_life_days",
    "is_active",
)
# Stages a threshold may move a lead out of (never backwards, never out of sales' hands or an exit).
BEFORE_MQL = frozenset((Stage.SUSPECT, Stage.LEAD))
BEFORE_SQL = frozenset((Stage.SUSPECT, Stage.LEAD, Stage.MQL))


@dataclass
class RescoreReport:
    """What a rescore did: leads scored, scores changed, stage moves (lead id -> stage)."""

    scored: int = 0
    changed: int = 0
    moved: dict[int, str] = field(default_factory=dict)

    def add(self, other: RescoreReport) -> None:
        self.scored += other.scored
        self.changed += other.changed
        self.moved |= other.moved


# ---- rules and thresholds ------------------------------------------------------------------------


def _check(data: dict[str, Any], exclude: int | None = None) -> R.Checked:
    channels = set(Channel.objects.values_list("slug", flat=True))
    campaigns = {name.lower() for name in Campaign.objects.values_list("name", flat=True)}
    active = ScoringRule.objects.filter(is_active=True)
    others = [compute.spec(r) for r in (active.exclude(pk=exclude) if exclude is not None else active)]
    checked = R.check_rule(
        data, channels=channels, campaigns=campaigns, others=others if data.get("is_active", True) else []
    )
    if checked.errors:
        first = next(iter(checked.errors.values()))[0]
        raise ValidationFailed(first, fields=checked.errors)
    return checked


def _announce(actor: Actor, rule_ids: Sequence[int]) -> None:
    events.emit(ScoringRulesChanged(rule_ids=tuple(rule_ids), actor_id=events.actor_id_of(actor)))


@transaction.atomic
def rule_create(*, actor: Actor, data: dict[str, Any]) -> tuple[ScoringRule, list[str]]:
    """Add a rule (fit or engagement); its warnings (e.g. a rule that matches nothing yet) come back."""
    permissions.require(
        actor, "create", ScoringRule, message=_("Only marketers and admins configure scoring.")
    )
    checked = _check(data)
    rule = ScoringRule.objects.create(
        **checked.data, created_by=actor if getattr(actor, "pk", None) else None
    )
    history.record(
        rule, actor=actor, action="create", changes={k: (None, getattr(rule, k)) for k in RULE_FIELDS}
    )
    _announce(actor, [rule.pk])
    return rule, checked.warnings


def _rule_for(actor: Actor, rule_id: int, action: str) -> ScoringRule:
    rule = ScoringRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None or not (actor is None or permissions.can(actor, "view", rule)):
        raise NotFound(_("No such scoring rule."))
    permissions.require(actor, action, rule, message=_("Only marketers and admins configure scoring."))
    return rule


@transaction.atomic
def rule_update(*, actor: Actor, rule_id: int, data: dict[str, Any]) -> tuple[ScoringRule, list[str]]:
    """Change a rule: `data` holds the fields to change (the rest stay); the whole rule is checked."""
    rule = _rule_for(actor, rule_id, "change")
    unknown = set(data) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            fields={name: [_("Unknown field.")] for name in sorted(unknown)},
        )
    merged = {k: getattr(rule, k) for k in RULE_FIELDS} | data
    if "kind" in data and data["kind"] != rule.kind:  # the other kind's fields do not carry over
        merged = {k: v for k, v in merged.items() if k in data or k in ("name", "points", "is_active")}
    checked = _check(merged, exclude=rule.pk)
    changes = {k: (getattr(rule, k), v) for k, v in checked.data.items() if getattr(rule, k) != v}
    if changes:
        for k, v in checked.data.items():
            setattr(rule, k, v)
        rule.save()
        history.record(rule, actor=actor, action="update", changes=changes)
        _announce(actor, [rule.pk])
    return rule, checked.warnings


def rule_set_active(*, actor: Actor, rule_id: int, active: bool) -> tuple[ScoringRule, list[str]]:
    """Switch a rule on or off (a rule switched off keeps its settings and gives no points)."""
    return rule_update(actor=actor, rule_id=rule_id, data={"is_active": active})


@transaction.atomic
def rule_delete(*, actor: Actor, rule_id: int) -> None:
    """Delete a rule for good (switching it off keeps it)."""
    rule = _rule_for(actor, rule_id, "delete")
    history.record(
        rule, actor=actor, action="delete", changes={k: (getattr(rule, k), None) for k in RULE_FIELDS}
    )
    rule.delete()
    _announce(actor, [rule_id])


def thresholds() -> ScoringSettings:
    """The thresholds row (created empty on first use)."""
    found, _created = ScoringSettings.objects.get_or_create(pk=1)
    return found


def _threshold(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or str(value).strip().lstrip("-").isdigit()):
        raise ValidationFailed(
            _("Give the threshold as a whole number, or leave it empty."),
            fields={name: [_("A whole number, or empty.")]},
        )
    number = int(value)
    if abs(number) > 10**9:
        raise ValidationFailed(_("This threshold is out of range."), fields={name: [_("Out of range.")]})
    return number


@transaction.atomic
def thresholds_set(*, actor: Actor, data: dict[str, Any]) -> tuple[ScoringSettings, list[str]]:
    """Set the MQL and SQL thresholds and whether a buy-now signal moves a lead to SQL. MQL must be below
    SQL; a threshold the active rules can never reach is saved with a warning."""
    current = ScoringSettings.objects.select_for_update().get_or_create(pk=1)[0]
    permissions.require(actor, "change", current, message=_("Only marketers and admins configure scoring."))
    mql = _threshold(data.get("mql_threshold", current.mql_threshold), "mql_threshold")
    sql = _threshold(data.get("sql_threshold", current.sql_threshold), "sql_threshold")
    checked = R.check_thresholds(mql, sql, R.max_score(compute.active_rules()))
    if checked.errors:
        raise ValidationFailed(next(iter(checked.errors.values()))[0], fields=checked.errors)
    new = {
        "mql_threshold": mql,
        "sql_threshold": sql,
        "buy_now_to_sql": bool(data.get("buy_now_to_sql", current.buy_now_to_sql)),
    }
    changes = {k: (getattr(current, k), v) for k, v in new.items() if getattr(current, k) != v}
    if changes:
        for k, v in new.items():
            setattr(current, k, v)
        current.updated_by = actor if getattr(actor, "pk", None) else None
        current.save()
        history.record(current, actor=actor, action="update", changes=changes)
        _announce(actor, [])
    return current, checked.warnings


# ---- rescoring -----------------------------------------------------------------------------------


def rescore(lead_ids: Iterable[int], *, now: dt.datetime | None = None) -> RescoreReport:
    """Rescore these leads (merged ones are skipped), in batches; idempotent. Nothing happens while no
    rule is active: leads keep the score they have (none, for a fresh install)."""
    now = now or timezone.now()
    ids = sorted({int(i) for i in lead_ids})
    rules = compute.active_rules()
    report = RescoreReport()
    if not rules or not ids:
        return report
    settings = thresholds()
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        report.add(_rescore_batch(Q(pk__in=part), Q(lead_id__in=part), rules, settings, now))
    return report


def rescore_all(*, now: dt.datetime | None = None, batch: int = BATCH_ALL) -> RescoreReport:
    """Rescore every lead (the nightly decay); idempotent. PostgreSQL: the whole table set-based
    (scoring.sqlpath.rescore_everything: one pass over the events, one over the leads, the changed
    scores written `batch` a transaction). Elsewhere: the lead ids in ranges of `batch`, a range per
    transaction, through the Python path."""
    now = now or timezone.now()
    rules = compute.active_rules()
    report = RescoreReport()
    if not rules:
        return report
    settings = thresholds()
    if connection.vendor == "postgresql":
        report.scored, report.changed = sqlpath.rescore_everything(rules, now, chunk=batch)
        report.moved = _apply_thresholds(_candidates(Q(), settings), settings)
        return report
    last = 0
    while True:
        ids = list(Lead.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return report
        lo, hi = ids[0], ids[-1]
        report.add(
            _rescore_batch(
                Q(pk__gte=lo, pk__lte=hi), Q(lead_id__gte=lo, lead_id__lte=hi), rules, settings, now
            )
        )
        last = hi


def _rescore_batch(
    lead_q: Q, event_q: Q, rules: Sequence[R.RuleSpec], settings: ScoringSettings, now: dt.datetime
) -> RescoreReport:
    """One batch, one transaction: on PostgreSQL one statement (scoring.sqlpath), elsewhere the Python
    path over the aggregated rows; then the threshold moves."""
    if connection.vendor == "postgresql":
        with transaction.atomic():
            scored, changed = sqlpath.rescore(lead_q, event_q, rules, now)
        report = RescoreReport(scored=scored, changed=changed)
        report.moved = _apply_thresholds(_candidates(lead_q, settings), settings)
        return report
    with transaction.atomic():
        results = compute.compute_for(lead_q, event_q, rules, now)
        changed_results = [r for r in results if r.lead["score"] != r.total]
        key = compute.rules_key(rules)
        stored = {
            row["lead_id"]: row
            for row in LeadScore.objects.filter(lead_id__in=[r.lead_id for r in results]).values(
                "lead_id", "fit", "decayed", "engagement_as_of", "rules_key"
            )
        }
        # the scores that changed, and the decayed sums the nightly decay would not reproduce
        to_store = [
            r
            for r in results
            if r.lead["score"] != r.total or compute.state_changed(r, stored.get(r.lead_id), rules, key, now)
        ]
        _write(changed_results, to_store, rules, key, now)
    report = RescoreReport(scored=len(results), changed=len(changed_results))
    report.moved = _apply_thresholds([(r.lead, r.total) for r in results], settings)
    return report


def _candidates(lead_q: Q, settings: ScoringSettings) -> list[tuple[dict[str, Any], int]]:
    """Leads of the batch a threshold may move now (their stored score just written)."""
    lowest = min((t for t in (settings.mql_threshold, settings.sql_threshold) if t is not None), default=None)
    reach = Q(score__gte=lowest) if lowest is not None else Q(pk__in=[])
    if settings.buy_now_to_sql:
        reach |= Q(purchase_timeframe=Timeframe.IMMEDIATE)
    if reach == Q(pk__in=[]):
        return []
    rows = Lead.objects.filter(lead_q, reach, merged_into__isnull=True, stage__in=BEFORE_SQL).values(
        "id", "stage", "purchase_timeframe", "score"
    )
    return [(dict(row), int(row["score"] or 0)) for row in rows]


def _write(
    changed: Sequence[compute.Result],
    to_store: Sequence[compute.Result],
    rules: Sequence[R.RuleSpec],
    key: str,
    now: dt.datetime,
) -> None:
    """The changed totals into the lead column, and the parts with the decayed sums of `to_store` into
    LeadScore (the sums as of `now`, usable by the nightly decay unless an event is dated later)."""
    if changed:
        table = connection.ops.quote_name(Lead._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET score = %s WHERE id = %s",  # noqa: S608
                [(r.total, r.lead_id) for r in changed],
            )
    if not to_store:
        return
    engaged = compute.engagement_rules(rules)
    LeadScore.objects.bulk_create(
        [
            LeadScore(
                lead_id=r.lead_id,
                fit=r.fit,
                engagement=round(r.engagement),
                total=r.total,
                computed_at=now,
                decayed=compute.stored_sums(r, engaged),
                engagement_as_of=now if r.latest is None or r.latest <= now else None,
                rules_key=key,
            )
            for r in to_store
        ],
        update_conflicts=True,
        unique_fields=["lead"],
        update_fields=[
            "fit",
            "engagement",
            "total",
            "computed_at",
            "decayed",
            "engagement_as_of",
            "rules_key",
        ],
        batch_size=2000,
    )


def _target(lead: dict[str, Any], total: int, settings: ScoringSettings) -> tuple[str, dict[str, Any]] | None:
    """The stage a threshold moves this lead to now, with the reason, or None."""
    stage = lead["stage"]
    if stage in BEFORE_SQL:
        if settings.sql_threshold is not None and total >= settings.sql_threshold:
            return Stage.SQL, explain.explanation(
                THRESHOLD_SQL, score=total, threshold=settings.sql_threshold
            )
        if settings.buy_now_to_sql and lead["purchase_timeframe"] == Timeframe.IMMEDIATE:
            return Stage.SQL, explain.explanation(BUY_NOW, score=total)
    if stage in BEFORE_MQL and settings.mql_threshold is not None and total >= settings.mql_threshold:
        return Stage.MQL, explain.explanation(THRESHOLD_MQL, score=total, threshold=settings.mql_threshold)
    return None


FUNNEL_ORDER: dict[str, int] = {Stage.MQL: 1, Stage.SQL: 2}


def _apply_thresholds(
    results: Sequence[tuple[dict[str, Any], int]], settings: ScoringSettings
) -> dict[int, str]:
    """Move the leads over a threshold through `lead_transition` (history with the coded reason), once
    per stage: a lead scoring already moved to a stage and a person sent back stays where it was put."""
    targets = {lead["id"]: t for lead, total in results if (t := _target(lead, total, settings))}
    if not targets:
        return {}
    done = dict(LeadScore.objects.filter(lead_id__in=list(targets)).values_list("lead_id", "promoted_to"))
    moved: dict[int, str] = {}
    for lead_id, (stage, why) in sorted(targets.items()):
        if FUNNEL_ORDER.get(done.get(lead_id) or "", 0) >= FUNNEL_ORDER[stage]:
            continue
        try:
            with transaction.atomic():
                lead_transition(actor=None, lead=Lead(pk=lead_id), to=stage, why=why)
                LeadScore.objects.update_or_create(
                    lead_id=lead_id,
                    defaults={"promoted_to": stage},
                    create_defaults={"promoted_to": stage, "computed_at": timezone.now()},
                )
        except DomainError:
            continue  # merged or moved by a person meanwhile: nothing to do
        moved[lead_id] = stage
    return moved
