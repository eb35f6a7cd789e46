"""Background tasks of activities: ids in, idempotent."""

from __future__ import annotations

from django.tasks import task


@task()
def send_reminders() -> int:
    """Periodic (every minute): the reminders whose time has come, each once."""
    from .automation import reminders_send

    return reminders_send()


@task()
def apply_playbook(deal_ids: list[int], stage_id: int) -> int:
    """Deals entered a stage: the stage's playbook tasks, once per entry."""
    from .automation import playbook_apply

    return playbook_apply(deal_ids, stage_id)
