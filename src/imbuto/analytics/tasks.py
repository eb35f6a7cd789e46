"""Background tasks of analytics: they keep the summary tables current (analytics.summary). Each takes
ids (or nothing), recomputes from the raw tables, and is idempotent: run twice, the second run writes
the same rows again."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def refresh_leads(lead_ids: list[int]) -> dict[str, Any]:
    """Lead events (created, merged, edited, moved, re-engaged): the days these leads count on."""
    from .summary import refresh_leads as refresh

    return refresh(int(i) for i in lead_ids)


@task()
def refresh_deals(deal_ids: list[int]) -> dict[str, Any]:
    """Deal events (created, moved, closed): these deals' facts."""
    from .summary import refresh_deals as refresh

    return {"deal_facts": refresh(int(i) for i in deal_ids)}


@task()
def sweep() -> dict[str, Any]:
    """Every few minutes: what changed without an event (deals edited, first contacts, clocks); the
    first run on an instance builds the tables."""
    from .summary import sweep as run

    return run()


@task()
def rebuild() -> dict[str, Any]:
    """Nightly: every summary row again from the raw tables (repairs whatever a refresh missed)."""
    from .summary import rebuild as run

    return run()
