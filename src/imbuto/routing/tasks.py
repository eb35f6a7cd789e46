"""Routing's background tasks: they take lead ids and are idempotent (a lead someone already owns is
left as it is, so a retried or duplicated task assigns nothing twice)."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def route_leads(lead_ids: list[int]) -> dict[str, int]:
    """Route new (or newly merged, still unowned) leads by the rules."""
    from .services import leads_route

    report = leads_route(actor=None, lead_ids=lead_ids)
    return {"assigned": len(report.assigned), "waiting": len(report.waiting), "skipped": len(report.skipped)}


@task()
def hand_to_sales(lead_ids: list[int]) -> dict[str, int]:
    """Leads became sales qualified: those a nurturing owner holds are routed to sales."""
    from .services import leads_hand_to_sales

    report = leads_hand_to_sales(lead_ids)
    return {"assigned": len(report.assigned), "waiting": len(report.waiting)}


@task()
def route_waiting() -> dict[str, Any]:
    """The periodic job: leads waiting for a rep are tried again (capacity may have freed up)."""
    from .services import route_waiting as run

    report = run()
    return {"assigned": len(report.assigned), "waiting": len(report.waiting)}
