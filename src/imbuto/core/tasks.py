"""Background tasks of core: the retry of an event receiver that failed during delivery."""

from __future__ import annotations

import logging
from typing import Any

from django.tasks import task

logger = logging.getLogger(__name__)

# Tries of a failed receiver after the first (in the request): then it is left to the log.
MAX_ATTEMPTS = 3


@task()
def redeliver(receiver: str, event: str, payload: dict[str, Any], attempt: int) -> dict[str, Any]:
    """Call one receiver again with the event rebuilt from its payload; on failure, queue the next try
    until MAX_ATTEMPTS, then give up loudly. Receivers only enqueue idempotent tasks, so a repeat is safe."""
    from . import events

    func = events.resolve(receiver)
    ev = events.rebuild(event, payload)
    try:
        func(ev)
    except Exception:
        if attempt < MAX_ATTEMPTS:
            logger.exception("retry %s of %s for %s failed; trying again", attempt, receiver, event)
            events.schedule_retry(func, ev, attempt=attempt + 1)
        else:
            logger.exception("receiver %s failed %s times on %s; giving up", receiver, attempt + 1, event)
        raise
    return {"receiver": receiver, "event": event, "attempt": attempt}
