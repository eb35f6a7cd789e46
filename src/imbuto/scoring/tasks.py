"""Background tasks of scoring: they take lead ids (or nothing), rescore set-based, and are idempotent:
run twice, the second run finds every score as it should be and changes nothing."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def rescore_leads(lead_ids: list[int]) -> dict[str, Any]:
    """Rescore these leads after an event about them (creation, merge, edit, engagement)."""
    from .services import rescore

    report = rescore(lead_ids)
    return {"scored": report.scored, "changed": report.changed, "moved": len(report.moved)}


@task()
def rescore_everything() -> dict[str, Any]:
    """Rescore every lead: after the rules or thresholds changed, and nightly (decay)."""
    from .services import rescore_all

    report = rescore_all()
    return {"scored": report.scored, "changed": report.changed, "moved": len(report.moved)}
