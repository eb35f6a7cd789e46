"""Background tasks of deals: idempotent, no arguments or ids."""

from __future__ import annotations

from django.tasks import task


@task()
def recycle_lost() -> int:
    """Periodic (hourly): the leads of lost deals whose delay has passed come back as leads."""
    from .followup import recycle_due

    return recycle_due()
