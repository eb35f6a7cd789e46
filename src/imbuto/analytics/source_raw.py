"""The figures computed live from the raw tables (leads, stage history, response clocks, deals, deal
lines), over what one reader may see: the reference the summary tables must equal, and the source
whenever they cannot answer (not built yet, another time zone, a permission rule they cannot apply)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils import timezone

from imbuto.core.models import HistoryEntry
from imbuto.deals.models import Deal
from imbuto.leads.choices import EXITS
from imbuto.leads.models import Lead
from imbuto.sla.models import LeadSla

from . import formulas as m
from .periods import Period
from .slicing import ALL, bounds, counts, deal_key, grouped, lead_key, rows
from .source import WITHIN, Closed, Key, PipelineRow, Response

EXIT_STAGES = [str(s) for s in EXITS]


def stage_of_change(i: int) -> Cast:
    """The old (0) or new (1) stage of a history entry's stage change, as text."""
    return Cast(KT(f"changes__stage__{i}"), CharField())


def minutes_between(a: dt.datetime, b: dt.datetime) -> float:
    """Wall-clock minutes from a lead's creation to its first contact (never below zero)."""
    return max((b - a).total_seconds() / 60, 0)


def days_between(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    return None if a is None or b is None else max((b - a).total_seconds() / 86400, 0)


def left_from(left: QuerySet[Lead]) -> dict[int, str]:
    """{lead id: the funnel stage of its last move into discarded or parked} (leads without such a
    recorded move are absent)."""
    from imbuto.leads.choices import FUNNEL

    stages = [str(s) for s in FUNNEL]
    ct = ContentType.objects.get_for_model(Lead)
    entries = (
        HistoryEntry.objects.filter(object_type=ct, object_id__in=left.values("pk"))
        .annotate(old=stage_of_change(0), new=stage_of_change(1))
        .filter(new__in=EXIT_STAGES)
        .order_by("at", "id")
        .values_list("object_id", "old")
    )
    return {lead_id: old for lead_id, old in entries if old in stages}


class RawSource:
    """Source (analytics.source) over the raw tables; `leads`, `deals`, `clocks` arrive restricted to
    what the reader may see."""

    name = "live"

    def __init__(
        self,
        period: Period,
        leads: QuerySet[Lead],
        deals: QuerySet[Deal],
        clocks: QuerySet[LeadSla],
    ) -> None:
        self.period = period
        self.start, self.end = bounds(period)
        self.leads, self.deals, self.clocks = leads, deals, clocks
        self.cohort_qs = leads.filter(created_at__gte=self.start, created_at__lt=self.end)

    # ---- leads -------------------------------------------------------------------------------------

    def leads_in(self, by: str | None) -> Any:
        key, cohort = lead_key(by), self.cohort_qs
        total = {k: n for (k,), n in counts(cohort, key).items()}
        return total, counts(cohort, key, "channel__slug"), counts(cohort, key, "campaign__name")

    def cohort(self, by: str | None) -> Any:
        key = lead_key(by)
        by_stage = counts(self.cohort_qs, key, "stage")
        left = self.cohort_qs.filter(stage__in=EXIT_STAGES)
        found = left_from(left)
        by_left: dict[tuple[Key, str | None], int] = defaultdict(int)
        for k, lead_id in rows(left, key, "pk"):
            by_left[(k, found.get(lead_id))] += 1
        return by_stage, dict(by_left)

    def exits(self, by: str | None) -> dict[tuple[Key, str, str], int]:
        moved = self.leads.filter(
            stage__in=EXIT_STAGES, stage_changed_at__gte=self.start, stage_changed_at__lt=self.end
        )
        return counts(moved, lead_key(by), "stage", "disposition_reason")

    def flow(self, by: str | None) -> dict[tuple[Key, str], int]:
        key = lead_key(by)
        ct = ContentType.objects.get_for_model(Lead)
        entries = (
            HistoryEntry.objects.filter(object_type=ct, at__gte=self.start, at__lt=self.end)
            .annotate(new=stage_of_change(1))
            .filter(new__isnull=False)
        )
        if self.leads.query.where:  # narrowed by permission or slice: only those leads' moves
            entries = entries.filter(object_id__in=self.leads.values("pk"))
        out: dict[tuple[Key, str], int] = defaultdict(int)
        if key is None:
            for row in entries.values("new").annotate(n=Count("pk")).order_by():
                out[(ALL, row["new"])] += row["n"]
        else:
            lead_keys = dict(
                self.leads.filter(pk__in=entries.values("object_id")).values_list("pk", key).order_by()
            )
            for lead_id, new in entries.values_list("object_id", "new").order_by():
                if lead_id in lead_keys:
                    out[(lead_keys[lead_id], new)] += 1
        return dict(out)

    def response(self, by: str | None) -> dict[Key, Response]:
        contacted = self.cohort_qs.filter(first_contacted_at__isnull=False)
        by_key = grouped(rows(contacted, lead_key(by), "created_at", "first_contacted_at"))
        out = {}
        for k, items in by_key.items():
            minutes = [minutes_between(a, b) for a, b in items]
            out[k] = Response(
                within={limit: sum(1 for v in minutes if v <= limit) for limit in WITHIN},
                median=m.median(minutes),
                p90=m.percentile(minutes, 90),
            )
        return out

    def sla(self, by: str | None) -> dict[Key, tuple[int, int]]:
        key = lead_key(by, "lead__")
        now = timezone.now()
        started = self.clocks.filter(started_at__gte=self.start, started_at__lt=self.end)
        on_time = Q(first_contact_at__isnull=False, first_contact_at__lte=F("due_at"))
        late = Q(first_contact_at__gt=F("due_at")) | Q(first_contact_at__isnull=True, due_at__lt=now)
        tally = {"on": Count("pk", filter=on_time), "late": Count("pk", filter=late)}
        found = started.values(key).annotate(**tally).order_by() if key else [started.aggregate(**tally)]
        return {(row[key] if key else ALL): (row["on"], row["late"]) for row in found}

    # ---- deals -------------------------------------------------------------------------------------

    def closed(self, by: str | None) -> dict[Key, Closed]:
        done = self.deals.filter(
            closed_at__gte=self.start, closed_at__lt=self.end, status__in=("won", "lost")
        )
        seen: set[tuple[Any, int]] = set()
        by_key: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for k, pk, *rest in rows(
            done, deal_key(by), "pk", "status", "amount", "created_at", "lead__created_at", "closed_at"
        ):
            if (k, pk) not in seen:  # a deal with two lines of one product counts once in that product
                seen.add((k, pk))
                by_key[k].append(tuple(rest))
        out = {}
        for k, items in by_key.items():
            won = [i for i in items if i[0] == "won"]
            amounts = [i[1] or Decimal(0) for i in won]
            from_lead = [d for i in won if (d := days_between(i[3], i[4])) is not None]
            from_deal = [d for i in won if (d := days_between(i[2], i[4])) is not None]
            out[k] = Closed(
                won=len(won),
                lost=len(items) - len(won),
                won_sum=sum(amounts, Decimal(0)),
                ticket_median=m.median([float(a) for a in amounts]),
                from_lead_median=m.median(from_lead),
                from_lead_p80=m.percentile(from_lead, 80),
                from_deal_median=m.median(from_deal),
                from_deal_p80=m.percentile(from_deal, 80),
            )
        return out

    def retention(self, by: str | None) -> dict[Key, tuple[int, int]]:
        prev_start, prev_end = bounds(self.period.previous())
        key = deal_key(by)
        won = self.deals.filter(status="won", account__isnull=False)
        before = grouped(
            rows(won.filter(closed_at__gte=prev_start, closed_at__lt=prev_end), key, "account_id")
        )
        now = grouped(rows(won.filter(closed_at__gte=self.start, closed_at__lt=self.end), key, "account_id"))
        out = {}
        for k, accounts in before.items():
            prev = {a for (a,) in accounts}
            out[k] = (len(prev), len(prev & {a for (a,) in now.get(k, [])}))
        return out

    def campaign_leads(self, by: str | None, ids: list[int]) -> dict[Key, int]:
        key = {None: None, "channel": "channel_id", "campaign": "campaign_id"}[by]
        found = grouped(rows(self.cohort_qs.filter(campaign_id__in=ids), key, "pk"))
        return {k: len(v) for k, v in found.items()}

    def campaign_won(self, by: str | None, ids: list[int]) -> dict[Key, Decimal]:
        key = {None: None, "channel": "lead__channel_id", "campaign": "lead__campaign_id"}[by]
        won = self.deals.filter(
            status="won", closed_at__gte=self.start, closed_at__lt=self.end, lead__campaign_id__in=ids
        )
        found = grouped(rows(won, key, "amount"))
        return {k: sum((a or Decimal(0) for (a,) in v), Decimal(0)) for k, v in found.items()}

    def pipeline(self, by: str | None, predicted: bool) -> list[PipelineRow]:
        key = deal_key(by)
        weight = Coalesce("probability", "stage__probability")
        weighted = ExpressionWrapper(F("amount") * weight / 100.0, output_field=DecimalField())
        aggregates: dict[str, Any] = {
            "n": Count("pk", distinct=True),
            "value": Sum("amount"),
            "weighted": Sum(weighted),
        }
        if predicted:
            aggregates["predicted"] = Sum(
                ExpressionWrapper(F("amount") * F("lead__prediction__probability"), output_field=FloatField())
            )
        open_deals = self.deals.filter(status="open").annotate(month=TruncMonth("expected_close"))
        out = []
        for row in open_deals.values(*[g for g in (key, "month") if g]).annotate(**aggregates).order_by():
            month = row["month"]
            out.append(
                PipelineRow(
                    key=row[key] if key else ALL,
                    month=month.date() if isinstance(month, dt.datetime) else month,
                    n=row["n"],
                    value=row["value"],
                    weighted=row["weighted"],
                    predicted=row.get("predicted"),
                )
            )
        return out
