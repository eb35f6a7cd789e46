"""The catalogue of deal events: what activities (playbooks), nurture (win-back), customers and
analytics subscribe to. Emitted by the deals services after commit, one event per batch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from imbuto.core.events import Event, register


@register
@dataclass(frozen=True, kw_only=True)
class DealCreated(Event):
    """New deals (a lead's conversion, by hand, the demo or an import). `lead_ids` their leads."""

    name: ClassVar[str] = "deal.created"
    deal_ids: tuple[int, ...]
    lead_ids: tuple[int, ...] = ()


@register
@dataclass(frozen=True, kw_only=True)
class DealStageChanged(Event):
    """Deals entered a stage (`to_stage` its id, `to_key` its key); won and lost are stages too."""

    name: ClassVar[str] = "deal.stage_changed"
    deal_ids: tuple[int, ...]
    from_stage: int | None = None
    to_stage: int
    to_key: str = ""


@register
@dataclass(frozen=True, kw_only=True)
class DealClosed(Event):
    """Deals closed as won or lost (`outcome`); `account_ids` their accounts."""

    name: ClassVar[str] = "deal.closed"
    deal_ids: tuple[int, ...]
    outcome: str
    account_ids: tuple[int, ...] = ()
