"""The lead-side KPIs of a period (leads in, funnel as cohort and as flow, exits, response time, SLA
attainment), each as {slice key: {field: value}}. Querysets arrive already permission-restricted."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, F, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from imbuto.core.models import HistoryEntry
from imbuto.leads.choices import EXITS, FUNNEL
from imbuto.leads.models import Lead

from . import formulas as m
from .slicing import counts, grouped, rows

Out = dict[Any, dict[str, Any]]
STAGES = [str(s) for s in FUNNEL]
EXIT_STAGES = [str(s) for s in EXITS]


def _stage(i: int) -> Cast:
    """The old (0) or new (1) stage of a history entry's stage change, as text."""
    return Cast(KT(f"changes__stage__{i}"), CharField())


def _conversions(reached: dict[str, int]) -> dict[str, float | None]:
    return {
        f"{a}_to_{b}": m.ratio(reached.get(b, 0), reached.get(a, 0))
        for a, b in zip(STAGES, STAGES[1:], strict=False)
    }


def leads_in(cohort: QuerySet[Lead], key: str | None, out: Out) -> None:
    """Leads created in the period: total, by channel (slug) and by campaign (name)."""
    for (k,), n in counts(cohort, key).items():
        out[k]["leads_in"] = n
    for (k, slug), n in counts(cohort, key, "channel__slug").items():
        out[k].setdefault("leads_by_channel", {})[slug or "none"] = n
    for (k, name), n in counts(cohort, key, "campaign__name").items():
        if name:
            out[k].setdefault("leads_by_campaign", {})[name] = n


def funnel_cohort(cohort: QuerySet[Lead], key: str | None, out: Out) -> None:
    """Leads created in the period, followed to today: how many reached each funnel stage. A lead
    reached every stage up to its current one; a discarded or parked lead up to the stage it left."""
    reached: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES, 0))
    for (k, stage), n in counts(cohort, key, "stage").items():
        if stage in STAGES:
            for s in STAGES[: STAGES.index(stage) + 1]:
                reached[k][s] += n
        else:
            _ = reached[k]  # the slice exists even when all its leads left
    left = cohort.filter(stage__in=EXIT_STAGES)
    left_from = _stage_left_from(left)
    for k, lead_id in rows(left, key, "pk"):
        stage = left_from.get(lead_id)
        if stage in STAGES:
            for s in STAGES[: STAGES.index(stage) + 1]:
                reached[k][s] += 1
        else:  # no recorded move: it arrived discarded or parked (counted as in at the first stage)
            reached[k][STAGES[0]] += 1
    for k in set(out) | set(reached):
        stages = reached[k]
        out[k]["funnel_cohort"] = stages
        out[k]["conversion_cohort"] = _conversions(stages)


def _stage_left_from(left: QuerySet[Lead]) -> dict[int, str]:
    """{lead id: the funnel stage of its last move into discarded or parked}."""
    ct = ContentType.objects.get_for_model(Lead)
    entries = (
        HistoryEntry.objects.filter(object_type=ct, object_id__in=left.values("pk"))
        .annotate(old=_stage(0), new=_stage(1))
        .filter(new__in=EXIT_STAGES)
        .order_by("at", "id")
        .values_list("object_id", "old")
    )
    return {lead_id: old for lead_id, old in entries if old in STAGES}


def funnel_flow(
    visible: QuerySet[Lead], key: str | None, start: Any, end: Any, out: Out, slices: set[Any]
) -> None:
    """Moves made in the period: how many leads entered each stage (creation at a stage counts as
    entering it), whatever their creation date."""
    ct = ContentType.objects.get_for_model(Lead)
    entries = (
        HistoryEntry.objects.filter(object_type=ct, at__gte=start, at__lt=end)
        .annotate(new=_stage(1))
        .filter(new__isnull=False)
    )
    if visible.query.where:  # narrowed by permission or slice: only those leads' moves
        entries = entries.filter(object_id__in=visible.values("pk"))
    flow: dict[Any, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAGES + EXIT_STAGES, 0))
    if key is None:
        for row in entries.values("new").annotate(n=Count("pk")).order_by():
            if row["new"] in flow["all"]:
                flow["all"][row["new"]] += row["n"]
    else:
        lead_keys = dict(visible.filter(pk__in=entries.values("object_id")).values_list("pk", key).order_by())
        for lead_id, new in entries.values_list("object_id", "new").order_by():
            if lead_id in lead_keys and new in STAGES + EXIT_STAGES:
                flow[lead_keys[lead_id]][new] += 1
    for k in slices | set(flow):
        stages = flow[k]
        out[k]["funnel_flow"] = stages
        out[k]["conversion_flow"] = _conversions(stages)


def exits(visible: QuerySet[Lead], key: str | None, start: Any, end: Any, out: Out) -> None:
    """Leads discarded or parked in the period (and still so), by reason code."""
    moved = visible.filter(stage__in=EXIT_STAGES, stage_changed_at__gte=start, stage_changed_at__lt=end)
    for (k, stage, reason), n in counts(moved, key, "stage", "disposition_reason").items():
        bucket = out[k].setdefault("exits", {s: {} for s in EXIT_STAGES})
        bucket[stage][reason or "other"] = bucket[stage].get(reason or "other", 0) + n


def response(cohort: QuerySet[Lead], key: str | None, out: Out) -> None:
    """First contact of the leads created in the period: median and p90 minutes (wall clock), and the
    share of the period's leads contacted within 5 minutes, 1 hour and 24 hours."""
    by_key = grouped(
        rows(cohort.filter(first_contacted_at__isnull=False), key, "created_at", "first_contacted_at")
    )
    for k, fields in out.items():
        minutes = [max((b - a).total_seconds() / 60, 0) for a, b in by_key.get(k, [])]
        whole = fields.get("leads_in", 0)
        fields.update(
            {
                "response_minutes_median": m.median(minutes),
                "response_minutes_p90": m.percentile(minutes, 90),
                "contacted_within_5m": m.share_within(minutes, 5, whole),
                "contacted_within_1h": m.share_within(minutes, 60, whole),
                "contacted_within_24h": m.share_within(minutes, 1440, whole),
            }
        )


def sla(clocks: QuerySet[Any], key: str | None, start: Any, end: Any, out: Out) -> None:
    """Response-time targets (sla.LeadSla) of the clocks started in the period: on time (first contact
    by the due time), late (after it, or still waiting past it), attainment = on time / (on time + late)."""
    now = timezone.now()
    started = clocks.filter(started_at__gte=start, started_at__lt=end)
    on_time = Q(first_contact_at__isnull=False, first_contact_at__lte=F("due_at"))
    late = Q(first_contact_at__gt=F("due_at")) | Q(first_contact_at__isnull=True, due_at__lt=now)
    tally = {"on": Count("pk", filter=on_time), "late": Count("pk", filter=late)}
    found = started.values(key).annotate(**tally).order_by() if key else [started.aggregate(**tally)]
    for row in found:
        k = row[key] if key else "all"
        out[k].update(
            {
                "sla_on_time": row["on"],
                "sla_late": row["late"],
                "sla_attainment": m.ratio(row["on"], row["on"] + row["late"]),
            }
        )
