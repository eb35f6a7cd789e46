"""Writing the summary tables: the full rebuild (`imbuto analytics rebuild`, nightly), the refresh of
the days a change touches (tasks enqueued by lead and deal events), and the sweep that catches what no
event announced (every few minutes). Every writer holds the SummaryState row's lock, so they never
interleave; readers keep reading the previous figures until a writer commits."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Min, Q
from django.utils import timezone

from imbuto.core.models import HistoryEntry
from imbuto.deals.models import Deal
from imbuto.leads.models import Lead
from imbuto.sla.models import LeadSla

from . import summary_deals
from .periods import add_months
from .summary_leads import LEADDAY_FIELDS, add, as_rows, compute_days, months_of, read, zone
from .summary_models import DealFact, LeadDay, SummaryState, insert_rows

SWEEP_OVERLAP = dt.timedelta(minutes=2)  # changes committed a little after they were stamped


def state() -> SummaryState | None:
    """The bookkeeping row once the tables were built (None before the first rebuild)."""
    return SummaryState.objects.filter(built_at__isnull=False).first()


def freshness() -> dict[str, dt.datetime | None]:
    """How current the summary figures are: `as_of` (every change before it is in them; most later
    ones too, refreshed on their events), `updated_at` (last write), `built_at` (last full rebuild)."""
    st = state()
    if st is None:
        return {}
    return {"as_of": st.swept_to or st.built_at, "updated_at": st.refreshed_at, "built_at": st.built_at}


def _locked() -> SummaryState:
    found = SummaryState.objects.select_for_update().filter(pk=1).first()
    return found or SummaryState.objects.create(pk=1)


def _local(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(zone()).date() if value else None


def _span() -> tuple[dt.date, dt.date] | None:
    """The first and last day any lead-side summary row can fall on."""
    ct = ContentType.objects.get_for_model(Lead)
    found = [
        Lead.objects.aggregate(a=Min("created_at"), b=Max("created_at"), c=Min("stage_changed_at"),
                               d=Max("stage_changed_at")),
        HistoryEntry.objects.filter(object_type=ct).aggregate(a=Min("at"), b=Max("at")),
        LeadSla.objects.aggregate(a=Min("started_at"), b=Max("started_at")),
    ]
    days = [_local(v) for row in found for v in row.values() if v is not None]
    return (min(d for d in days if d), max(d for d in days if d)) if days else None


def rebuild() -> dict[str, Any]:
    """Compute every summary row again from the raw tables, in one transaction."""
    started, t0 = timezone.now(), time.monotonic()
    counts = {"day_rows": 0, "month_rows": 0, "deal_facts": 0}
    with transaction.atomic():
        st = _locked()
        LeadDay.objects.all().delete()
        DealFact.objects.all().delete()
        span = _span()
        month = span[0].replace(day=1) if span else None
        while span and month and month <= span[1]:
            nxt = add_months(month, 1)
            rows = compute_days(month, nxt - dt.timedelta(days=1))
            counts["day_rows"] += insert_rows(LeadDay, LEADDAY_FIELDS, as_rows(rows, "d"))
            counts["month_rows"] += insert_rows(LeadDay, LEADDAY_FIELDS, as_rows(months_of(rows), "m"))
            month = nxt
        for batch in summary_deals.in_batches():
            counts["deal_facts"] += insert_rows(DealFact, summary_deals.DEAL_FIELDS, batch)
        if connection.vendor == "postgresql":  # fresh statistics, or the planner guesses at empty tables
            with connection.cursor() as cur:
                for model in (LeadDay, DealFact):
                    cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        seconds = round(time.monotonic() - t0, 1)
        now = timezone.now()
        st.built_at, st.build_seconds, st.refreshed_at, st.swept_to = now, seconds, now, started
        st.time_zone = zone().key
        st.save()
    return {**counts, "seconds": seconds}


def _runs(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted days as runs of consecutive days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + dt.timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def refresh_days(days: Iterable[dt.date]) -> int:
    """Compute these days again (their day rows, and their months' rows by the
    difference); nothing before the first rebuild. Returns the days refreshed."""
    runs = _runs(days)
    if not runs or state() is None:
        return 0
    with transaction.atomic():
        st = _locked()
        for first, last in runs:
            new = compute_days(first, last)
            span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
            old = read("d", span)
            LeadDay.objects.filter(grain="d", day__gte=first, day__lte=last).delete()
            insert_rows(LeadDay, LEADDAY_FIELDS, as_rows(new, "d"))
            months = sorted({d.replace(day=1) for d in span})
            totals = read("m", months)
            for rows, sign in ((old, -1), (new, 1)):
                for (day, dim, key, owner, team, everyone), data in rows.items():
                    mk = (day.replace(day=1), dim, key, owner, team, everyone)
                    totals[mk] = add(totals.get(mk) or {}, data, sign)
            LeadDay.objects.filter(grain="m", day__in=months).delete()
            insert_rows(LeadDay, LEADDAY_FIELDS, as_rows(totals, "m"))
        st.refreshed_at = timezone.now()
        st.save(update_fields=["refreshed_at"])
    return sum((b - a).days + 1 for a, b in runs)


def lead_days(lead_ids: Iterable[int]) -> set[dt.date]:
    """Every day the summary rows of these leads fall on: creation, last stage change, each history
    entry, the response clock's start (merged leads included: they leave those days)."""
    ids = sorted(set(lead_ids))
    ct = ContentType.objects.get_for_model(Lead)
    stamps: list[dt.datetime | None] = []
    for created, changed in Lead.objects.filter(pk__in=ids).values_list("created_at", "stage_changed_at"):
        stamps += [created, changed]
    stamps += HistoryEntry.objects.filter(object_type=ct, object_id__in=ids).values_list("at", flat=True)
    stamps += LeadSla.objects.filter(lead_id__in=ids).values_list("started_at", flat=True)
    return {d for d in map(_local, stamps) if d}


def refresh_leads(lead_ids: Iterable[int]) -> dict[str, int]:
    """After these leads changed: their days, and the facts of their deals (channel, campaign and
    creation of the lead are part of them)."""
    ids = sorted(set(lead_ids))
    if not ids or state() is None:
        return {"days": 0, "deal_facts": 0}
    days = refresh_days(lead_days(ids))
    deals = refresh_deals(Deal.objects.filter(lead_id__in=ids).values_list("pk", flat=True))
    return {"days": days, "deal_facts": deals}


def refresh_deals(deal_ids: Iterable[int]) -> int:
    """Write the facts of these deals again; returns the rows written."""
    ids = sorted(set(deal_ids))
    if not ids or state() is None:
        return 0
    with transaction.atomic():
        st = _locked()
        written = summary_deals.replace(ids)
        st.refreshed_at = timezone.now()
        st.save(update_fields=["refreshed_at"])
    return written


def sweep() -> dict[str, Any]:
    """Refresh what changed since the last sweep without an event saying so (a deal edited, a first
    contact recorded, a clock started): leads and deals stamped since then, leads with history since
    then. Afterwards every change before the sweep's start is in the figures. The first sweep of an
    instance whose tables were never built builds them."""
    st = state()
    if st is None:
        return {"built": rebuild()}
    started = timezone.now()
    since = (st.swept_to or st.built_at or started) - SWEEP_OVERLAP
    ct = ContentType.objects.get_for_model(Lead)
    lead_ids = set(Lead.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    lead_ids |= set(
        HistoryEntry.objects.filter(object_type=ct, at__gte=since).values_list("object_id", flat=True)
    )
    lead_ids |= set(
        LeadSla.objects.filter(Q(started_at__gte=since) | Q(first_contact_at__gte=since)).values_list(
            "lead_id", flat=True
        )
    )
    deal_ids = set(Deal.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    refresh_leads(lead_ids)
    refresh_deals(deal_ids)
    with transaction.atomic():
        st = _locked()
        st.swept_to = max(started, st.swept_to or started)
        st.save(update_fields=["swept_to"])
    return {"leads": len(lead_ids), "deals": len(deal_ids)}
