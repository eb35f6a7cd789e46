"""Domain events, delivered after the transaction commits.

Intake emits `lead.created` / `lead.merged`, leads emits `lead.updated` (with the changed field names
and their previous values); scoring and routing (later issues) subscribe. Receivers get ids and plain
values, never model instances, so they can enqueue tasks safely.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

_subscribers: dict[str, list[Callable[..., Any]]] = {}


def subscribe(name: str, receiver: Callable[..., Any]) -> None:
    if receiver not in _subscribers.setdefault(name, []):
        _subscribers[name].append(receiver)


def emit(name: str, **payload: Any) -> None:
    """Deliver on commit; outside a transaction, deliver now."""

    def deliver() -> None:
        for receiver in list(_subscribers.get(name, [])):
            receiver(name=name, **payload)

    transaction.on_commit(deliver)
