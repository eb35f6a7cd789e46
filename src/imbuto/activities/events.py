"""The catalogue of activity events (logged calls, emails, meetings, notes; tasks created or done)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from imbuto.core.events import Event, register


@register
@dataclass(frozen=True, kw_only=True)
class ActivityLogged(Event):
    """Activities recorded; `kinds` their distinct kinds, `lead_ids` the leads they are on."""

    name: ClassVar[str] = "activity.logged"
    activity_ids: tuple[int, ...]
    kinds: tuple[str, ...] = ()
    lead_ids: tuple[int, ...] = ()
