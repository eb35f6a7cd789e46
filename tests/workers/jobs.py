"""Tasks for the worker and scheduler tests, importable by the worker processes the tests start
(their PYTHONPATH holds the worktree)."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task


@task()
def slow_note(user_id: int, key: str, seconds: float, marker: str) -> dict:
    """Say it started (a line in `marker`), take its time, then write one notification under `key`:
    idempotent, as every task is, so running it again after a kill writes nothing twice."""
    from imbuto.notifications.services import Message, notifications_send

    with Path(marker).open("a") as f:
        f.write("start\n")
    time.sleep(seconds)
    sent = notifications_send(messages=[Message(recipient_id=user_id, code="lead.new_information",
                                                params={"lead": "Test"}, key=key)])
    return {"sent": sent}


@task()
def tick() -> None:
    """Enqueued every second by the scheduler tests; never run."""
