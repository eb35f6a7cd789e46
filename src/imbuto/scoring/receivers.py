"""Scoring's receivers: they only enqueue a rescore task (wired by ScoringConfig.ready()). While no rule
is active nothing is enqueued, so an instance that does not score pays one small query per event."""

from __future__ import annotations

from typing import Any

from imbuto.core import events
from imbuto.leads.events import EngagementRecorded, LeadCreated, LeadMerged, LeadUpdated

from . import tasks
from .events import ScoringRulesChanged
from .models import ScoringRule

MAX_IDS_PER_TASK = 5000


def _scoring_on() -> bool:
    return ScoringRule.objects.filter(is_active=True).exists()


def on_leads_changed(event: Any) -> None:
    """New leads, merged information, edited fields or new engagement: rescore those leads."""
    ids = sorted(set(event.lead_ids))
    if not ids or not _scoring_on():
        return
    for start in range(0, len(ids), MAX_IDS_PER_TASK):
        tasks.rescore_leads.enqueue(ids[start : start + MAX_IDS_PER_TASK])


def on_rules_changed(event: ScoringRulesChanged) -> None:
    """The rules or thresholds changed: rescore every lead (switching the last rule off leaves the scores
    as they were)."""
    tasks.rescore_everything.enqueue()


def connect() -> None:
    for event_type in (LeadCreated, LeadMerged, LeadUpdated, EngagementRecorded):
        events.subscribe(event_type, on_leads_changed)
    events.subscribe(ScoringRulesChanged, on_rules_changed)
