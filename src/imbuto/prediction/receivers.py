"""Prediction's receivers of lead events: they only enqueue `refresh_predictions` with the lead ids
(nothing while no model has been trained). Wired by PredictionConfig.ready()."""

from __future__ import annotations

from typing import Any

from imbuto.core import events
from imbuto.leads.events import EngagementRecorded, LeadCreated, LeadMerged, LeadUpdated

from . import tasks
from .models import ModelVersion


def on_lead_event(event: Any) -> None:
    ids = [*event.lead_ids, *getattr(event, "merged_ids", ())]
    if ids and ModelVersion.objects.exists():
        tasks.refresh_predictions.enqueue(sorted(set(ids)))


def connect() -> None:
    for kind in (LeadCreated, LeadUpdated, LeadMerged, EngagementRecorded):
        events.subscribe(kind, on_lead_event)
