"""Nurturing receivers of lead and activity events: they only enqueue tasks (wired by ready()).

A lead that became sales qualified (or further) leaves its sequences; a lead created, changed or
re-engaged may be picked by a sequence's rule; an inbound email logged on a lead is a reply."""

from __future__ import annotations

from imbuto.activities.events import ActivityLogged
from imbuto.core import events
from imbuto.leads.events import VIA_DEMO, LeadCreated, LeadReengaged, LeadStageChanged, LeadUpdated

from . import audience, tasks
from .models import ExitReason


def on_stage_changed(event: LeadStageChanged) -> None:
    if event.to_stage in audience.CONVERTED_STAGES:
        tasks.exit_leads.enqueue(list(event.lead_ids), ExitReason.CONVERTED.value)
    else:
        tasks.enrol_leads.enqueue(list(event.lead_ids))


def on_lead_created(event: LeadCreated) -> None:
    if event.via != VIA_DEMO:
        tasks.enrol_leads.enqueue(list(event.lead_ids))


def on_lead_changed(event: LeadUpdated | LeadReengaged) -> None:
    tasks.enrol_leads.enqueue(list(event.lead_ids))


def on_activity(event: ActivityLogged) -> None:
    if "email" in event.kinds and event.lead_ids:
        tasks.exit_replied.enqueue(list(event.activity_ids))


def connect() -> None:
    events.subscribe(LeadStageChanged, on_stage_changed)
    events.subscribe(LeadCreated, on_lead_created)
    events.subscribe(LeadUpdated, on_lead_changed)
    events.subscribe(LeadReengaged, on_lead_changed)
    events.subscribe(ActivityLogged, on_activity)
