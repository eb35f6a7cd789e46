"""Typed domain events, delivered after the transaction commits, one receiver's failure isolated.

An event is a frozen dataclass of ids and plain values (never model instances), so a receiver can put
it on a task queue as is. The catalogue of lead events lives in `imbuto.leads.events`; each app
subscribes its receivers in `receivers.py`, wired from its `AppConfig.ready()`. Receivers only
enqueue tasks: delivery runs inside the request that committed, so it must stay cheap.

A receiver that raises is logged and retried by a task (`core.tasks.redeliver`), never fails the
committed request and never stops the receivers after it. Intake writes leads in bulk, bypassing
Django's model signals: nothing may rely on `post_save` for leads; subscribe to these events instead.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.module_loading import import_string

from imbuto.core.types import Actor

from .registry import Hook

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event. `name` is the stable wire name ("lead.created")."""

    name: ClassVar[str] = ""
    actor_id: int | None = None

    def __post_init__(self) -> None:
        # lists from callers (or from JSON on redelivery) become tuples: events are immutable values
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))

    def payload(self) -> dict[str, Any]:
        """The event as JSON-safe plain data (what a task argument may hold)."""
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        plain: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
        return plain


Receiver = Callable[[Any], None]

CATALOGUE: dict[str, type[Event]] = {}
_subscribers: dict[type[Event], list[Receiver]] = {}


def register[E: Event](cls: type[E]) -> type[E]:
    """Class decorator: put an event type in the catalogue under its wire name."""
    if not cls.name or CATALOGUE.get(cls.name, cls) is not cls:
        raise ValueError(f"event {cls.__name__} needs a unique name, got {cls.name!r}")
    CATALOGUE[cls.name] = cls
    return cls


def subscribe[E: Event](event_type: type[E], receiver: Callable[[E], None]) -> None:
    """Called from an app's `ready()` (through its receivers.py); subscribing twice is harmless."""
    if event_type.name not in CATALOGUE:
        raise ValueError(f"{event_type.__name__} is not in the event catalogue")
    receivers = _subscribers.setdefault(event_type, [])
    if receiver not in receivers:
        receivers.append(receiver)


def receivers_of(event_type: type[Event]) -> list[Receiver]:
    return list(_subscribers.get(event_type, []))


def emit(event: Event) -> None:
    """Deliver on commit of the current transaction; outside a transaction, deliver now.

    A batch emits one event carrying all its ids, so a million-row import costs one delivery per chunk.
    """
    transaction.on_commit(lambda: deliver(event))


def deliver(event: Event) -> None:
    """Call every receiver of the event; one that raises is logged and handed to a retry task."""
    for receiver in receivers_of(type(event)):
        try:
            receiver(event)
        except Exception:
            logger.exception("receiver %s failed on %s; retrying it in a task", path_of(receiver), event.name)
            schedule_retry(receiver, event, attempt=1)


def path_of(receiver: Receiver) -> str:
    return f"{receiver.__module__}.{receiver.__qualname__}"


# Enqueues one more try: core.tasks.redeliver.enqueue, provided by CoreConfig.ready() (the task module
# imports this one, so this one does not import it back).
RETRY: Hook[Callable[[str, str, dict[str, Any], int], Any]] = Hook("core.events.retry")


def schedule_retry(receiver: Receiver, event: Event, *, attempt: int) -> None:
    """Enqueue one more try; if even the queue is unreachable, the failure stays in the log."""
    try:
        RETRY.func(path_of(receiver), event.name, event.payload(), attempt)
    except Exception:
        logger.exception("could not enqueue a retry of %s for %s", path_of(receiver), event.name)


def rebuild(name: str, payload: dict[str, Any]) -> Event:
    return CATALOGUE[name](**payload)


def resolve(path: str) -> Receiver:
    receiver: Receiver = import_string(path)
    return receiver


def actor_id_of(actor: Actor) -> int | None:
    """The acting user's id for an event; None for the system or a public visitor."""
    pk = getattr(actor, "pk", None)
    return pk if isinstance(pk, int) else None
