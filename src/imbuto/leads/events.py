"""The catalogue of lead events (docs/architecture.md, "Domain events"): what later apps (scoring,
routing, nurture, analytics, notifications) may subscribe to. Each fact is emitted by exactly one
service, after commit, on every path; a batch emits one event carrying all its ids.

Every event has `lead_ids` (the leads it is about, ascending) and `actor_id` (the acting user, None for
a public visitor or the system). Intake writes leads in bulk without Django's model signals: nothing
may rely on `post_save` for leads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from imbuto.core.events import Event, register

# How a lead arrived or was touched (LeadSource kinds, plus the ways in outside intake).
VIA_MANUAL, VIA_DEMO = "manual", "demo"


@register
@dataclass(frozen=True, kw_only=True)
class LeadCreated(Event):
    """New leads. `via`: intake's source kind (api, form, chat, import, event, manual for the staff
    lead form) or manual (`lead_create`), demo. `indexed`: their match keys are already stored."""

    name: ClassVar[str] = "lead.created"
    lead_ids: tuple[int, ...]
    via: str = ""
    indexed: bool = False


@register
@dataclass(frozen=True, kw_only=True)
class LeadMerged(Event):
    """New information merged into existing leads: incoming records folded in by intake (`merged_ids`
    empty) or a lead merged into another by a person or the review (`merged_ids` the absorbed leads).
    `merge_ids` are the LeadMerge rows (what came, what differed); `via` the source kind."""

    name: ClassVar[str] = "lead.merged"
    lead_ids: tuple[int, ...]
    merged_ids: tuple[int, ...] = ()
    merge_ids: tuple[int, ...] = ()
    via: str = ""


@register
@dataclass(frozen=True, kw_only=True)
class LeadUpdated(Event):
    """A person changed fields of a lead: their names and previous values (JSON-safe)."""

    name: ClassVar[str] = "lead.updated"
    lead_ids: tuple[int, ...]
    fields: tuple[str, ...] = ()
    previous: dict[str, Any] | None = None


@register
@dataclass(frozen=True, kw_only=True)
class LeadStageChanged(Event):
    """A lead moved between lifecycle stages (through `lead_transition` only)."""

    name: ClassVar[str] = "lead.stage_changed"
    lead_ids: tuple[int, ...]
    from_stage: str
    to_stage: str


@register
@dataclass(frozen=True, kw_only=True)
class EngagementRecorded(Event):
    """Engagement rows stored (events API, web-form submissions, chat conversations); `kinds` the
    distinct engagement kinds among them."""

    name: ClassVar[str] = "engagement.recorded"
    lead_ids: tuple[int, ...]
    event_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()


@register
@dataclass(frozen=True, kw_only=True)
class LeadReferred(Event):
    """A referral was recorded for a lead (new or existing)."""

    name: ClassVar[str] = "lead.referred"
    lead_ids: tuple[int, ...]
    referral_ids: tuple[int, ...] = ()


@register
@dataclass(frozen=True, kw_only=True)
class LeadReengaged(Event):
    """A parked or lost lead became a lead again in the re-engagement channel (its stage change is a
    LeadStageChanged of its own)."""

    name: ClassVar[str] = "lead.reengaged"
    lead_ids: tuple[int, ...]
