"""Analytics' receivers of lead and deal events: they only enqueue a refresh of the summary tables
(wired by AnalyticsConfig.ready()). Before the tables are first built nothing is enqueued: the
dashboard computes live until then, and an instance that never builds them pays one small query per
event."""

from __future__ import annotations

from typing import Any

from imbuto.core import events
from imbuto.deals.events import DealClosed, DealCreated, DealStageChanged
from imbuto.leads.events import LeadCreated, LeadMerged, LeadReengaged, LeadStageChanged, LeadUpdated

from . import tasks
from .summary_models import SummaryState

MAX_IDS_PER_TASK = 5000


def _built() -> bool:
    return SummaryState.objects.filter(built_at__isnull=False).exists()


def _chunks(ids: set[int]) -> list[list[int]]:
    ordered = sorted(ids)
    return [ordered[i : i + MAX_IDS_PER_TASK] for i in range(0, len(ordered), MAX_IDS_PER_TASK)]


def on_leads_changed(event: Any) -> None:
    """New, merged (the absorbed leads too), edited, moved or re-engaged leads."""
    ids = set(event.lead_ids) | set(getattr(event, "merged_ids", ()))
    if ids and _built():
        for chunk in _chunks(ids):
            tasks.refresh_leads.enqueue(chunk)


def on_deals_changed(event: Any) -> None:
    if event.deal_ids and _built():
        for chunk in _chunks(set(event.deal_ids)):
            tasks.refresh_deals.enqueue(chunk)


def connect() -> None:
    for lead_event in (LeadCreated, LeadMerged, LeadUpdated, LeadStageChanged, LeadReengaged):
        events.subscribe(lead_event, on_leads_changed)
    for deal_event in (DealCreated, DealStageChanged, DealClosed):
        events.subscribe(deal_event, on_deals_changed)
