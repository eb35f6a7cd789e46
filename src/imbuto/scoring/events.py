"""Scoring's own domain event: the rules or thresholds changed, so every lead is rescored (by a task
that scoring.receivers enqueues)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from imbuto.core.events import Event, register


@register
@dataclass(frozen=True, kw_only=True)
class ScoringRulesChanged(Event):
    """A rule was added, edited, switched on or off or deleted, or the thresholds changed."""

    name: ClassVar[str] = "scoring.rules_changed"
    lead_ids: tuple[int, ...] = ()
    rule_ids: tuple[int, ...] = ()
