"""Activities' receivers of deal events: they only enqueue tasks (wired by ActivitiesConfig.ready())."""

from __future__ import annotations

from imbuto.core import events
from imbuto.deals.events import DealStageChanged

from . import tasks


def on_deal_stage_changed(event: DealStageChanged) -> None:
    if event.deal_ids:
        tasks.apply_playbook.enqueue(list(event.deal_ids), event.to_stage)


def connect() -> None:
    events.subscribe(DealStageChanged, on_deal_stage_changed)
