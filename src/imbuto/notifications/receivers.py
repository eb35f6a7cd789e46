"""Notifications' receivers of lead events: they only enqueue tasks, wired by NotificationsConfig.ready()."""

from __future__ import annotations

from imbuto.core import events
from imbuto.leads.events import LeadMerged

from . import tasks
from .recipients import PUBLIC_KINDS


def on_lead_merged(event: LeadMerged) -> None:
    """New information merged into leads: a task tells the people responsible who did not bring it.
    The system's own merges (CLI import without a user) tell nobody, so they enqueue nothing."""
    if not event.merge_ids or (event.actor_id is None and event.via not in PUBLIC_KINDS):
        return
    tasks.notify_new_information.enqueue(list(event.merge_ids), event.actor_id, event.via)


def connect() -> None:
    events.subscribe(LeadMerged, on_lead_merged)
