"""Response-time receivers of lead events: they only enqueue tasks (wired by SlaConfig.ready()).

The demo's leads get no clock: they were "created" days or months ago, and a fresh instance would
otherwise open on a flood of escalations for leads nobody could have contacted."""

from __future__ import annotations

from imbuto.core import events
from imbuto.leads.events import VIA_DEMO, LeadCreated, LeadUpdated

from . import tasks
from .events import CalendarChanged


def on_lead_created(event: LeadCreated) -> None:
    if event.lead_ids and event.via != VIA_DEMO:
        tasks.start_clocks.enqueue(list(event.lead_ids))


def on_lead_updated(event: LeadUpdated) -> None:
    if event.lead_ids and "temperature" in event.fields:
        tasks.recompute_clocks.enqueue(list(event.lead_ids))


def on_calendar_changed(event: CalendarChanged) -> None:
    tasks.recompute_waiting.enqueue(event.team_id)


def connect() -> None:
    events.subscribe(LeadCreated, on_lead_created)
    events.subscribe(LeadUpdated, on_lead_updated)
    events.subscribe(CalendarChanged, on_calendar_changed)
