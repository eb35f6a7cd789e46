"""Background tasks of response-time targets: they take lead ids and are idempotent."""

from __future__ import annotations

from django.tasks import task


@task()
def start_clocks(lead_ids: list[int]) -> int:
    """New leads: their due time (a lead that has one keeps it)."""
    from .services import due_compute

    return due_compute(lead_ids)


@task()
def recompute_clocks(lead_ids: list[int]) -> int:
    """A temperature changed: the due time again for leads not yet contacted."""
    from .services import due_recompute

    return due_recompute(lead_ids)


@task()
def recompute_waiting(team_id: int | None = None) -> int:
    """The policy (or a team's calendar) changed: every clock still waiting gets its due time again."""
    from .services import waiting_recompute

    return waiting_recompute(team_id)


@task()
def sweep() -> dict[str, int]:
    """Periodic (every minute): reminders before breach, escalation and reassignment at breach."""
    from . import services

    return services.sweep()
