"""Intake's receivers of lead events: they only enqueue tasks (tasks.py), wired by IntakeConfig.ready()."""

from __future__ import annotations

from imbuto.core import events
from imbuto.leads.events import LeadCreated, LeadUpdated

from . import tasks
from .reindex import IDENTITY_FIELDS


def on_lead_created(event: LeadCreated) -> None:
    """Leads created outside the pipeline get their match keys, so later records find them."""
    if not event.indexed and event.lead_ids:
        tasks.index_new_leads.enqueue(list(event.lead_ids))


def on_lead_updated(event: LeadUpdated) -> None:
    """Only an edit of a field the match keys are built from costs anything."""
    relevant = set(event.fields) & set(IDENTITY_FIELDS)
    if not relevant:
        return
    previous = {k: v for k, v in (event.previous or {}).items() if k in relevant}
    for lead_id in event.lead_ids:
        tasks.reindex_edited_lead.enqueue(lead_id, previous)


def connect() -> None:
    events.subscribe(LeadCreated, on_lead_created)
    events.subscribe(LeadUpdated, on_lead_updated)
