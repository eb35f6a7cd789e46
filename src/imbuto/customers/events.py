"""The catalogue of customer events (analytics and later apps may subscribe): emitted by
customers.services after commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from imbuto.core.events import Event, register


@register
@dataclass(frozen=True, kw_only=True)
class BecameCustomer(Event):
    """An account became a customer (its first won deal, `deal_id`, or by hand)."""

    name: ClassVar[str] = "customer.became"
    account_ids: tuple[int, ...]
    deal_id: int | None = None


@register
@dataclass(frozen=True, kw_only=True)
class FeedbackRecorded(Event):
    """A customer's feedback was recorded; `score` 0-10."""

    name: ClassVar[str] = "customer.feedback_recorded"
    feedback_ids: tuple[int, ...]
    account_ids: tuple[int, ...]
    score: int


@register
@dataclass(frozen=True, kw_only=True)
class ProblemChanged(Event):
    """A customer's problem was opened, resolved or reopened (`status` its new status)."""

    name: ClassVar[str] = "customer.problem_changed"
    problem_ids: tuple[int, ...]
    account_ids: tuple[int, ...]
    status: str
