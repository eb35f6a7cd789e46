"""Routing's receivers of lead events: they only enqueue `route_leads` (wired by RoutingConfig.ready()).

New leads, and leads that new information was merged into, are routed when nobody owns them; the
task reads the owner itself, so leads that arrive with an owner (a rep's own lead, a default owner per
way in) are never rerouted. The demo's leads arrive assigned and are not routed."""

from __future__ import annotations

from imbuto.core import events
from imbuto.leads.events import VIA_DEMO, LeadCreated, LeadMerged, LeadStageChanged

from . import tasks


def on_lead_created(event: LeadCreated) -> None:
    if event.lead_ids and event.via != VIA_DEMO:
        tasks.route_leads.enqueue(list(event.lead_ids))


def on_lead_merged(event: LeadMerged) -> None:
    if event.lead_ids:
        tasks.route_leads.enqueue(list(event.lead_ids))


def on_stage_changed(event: LeadStageChanged) -> None:
    if event.lead_ids and event.to_stage in ("sql", "opportunity"):
        tasks.hand_to_sales.enqueue(list(event.lead_ids))


def connect() -> None:
    events.subscribe(LeadCreated, on_lead_created)
    events.subscribe(LeadMerged, on_lead_merged)
    events.subscribe(LeadStageChanged, on_stage_changed)
