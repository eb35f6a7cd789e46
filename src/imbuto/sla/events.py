"""Response-time events: the policy or a team's calendar changed (the waiting clocks must follow)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from imbuto.core.events import Event, register


@register
@dataclass(frozen=True, kw_only=True)
class CalendarChanged(Event):
    """The targets or working calendar changed: of every lead (`team_id` None) or of one team's."""

    name: ClassVar[str] = "sla.calendar_changed"
    team_id: int | None = None
