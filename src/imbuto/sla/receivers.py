"""Response-time receivers of lead events: they only enqueue tasks (wired by SlaConfig.ready())."""

from __future__ import annotations

from imbuto.core import events
from imbuto.leads.events import LeadCreated, LeadUpdated

from . import tasks


def on_lead_created(event: LeadCreated) -> None:
    if event.lead_ids:
        tasks.start_clocks.enqueue(list(event.lead_ids))


def on_lead_updated(event: LeadUpdated) -> None:
    if event.lead_ids and "temperature" in event.fields:
        tasks.recompute_clocks.enqueue(list(event.lead_ids))


def connect() -> None:
    events.subscribe(LeadCreated, on_lead_created)
    events.subscribe(LeadUpdated, on_lead_updated)
