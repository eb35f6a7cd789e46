"""Reads: the KPI objects of a period and the targets, always through core.permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from imbuto.core import permissions

from . import kpis, summary
from .models import Target
from .periods import Period


def kpi_report(user: Any, period: Period, by: str | None = None, *, live: bool = False) -> dict[str, Any]:
    """{"computed_at", "source", "figures_as_of", "from", "to", "by", "slices": [...]}: every KPI,
    over what `user` may see. `source` says where the figures come from: "summary" (the summary
    tables, complete up to `figures_as_of`, see analytics.summary) or "live" (the raw tables, as of
    `computed_at`)."""
    permissions.require(user, "view", "analytics.dashboard")
    started = timezone.now()
    src = kpis.source_for(user, period, live=live)
    slices = kpis.compute_with(src, user, period, by)
    fresh = summary.freshness() if src.name == "summary" else {}
    return {
        "computed_at": started,
        "source": src.name,
        "figures_as_of": fresh.get("as_of") or started,
        "summary_updated_at": fresh.get("updated_at"),
        "summary_built_at": fresh.get("built_at"),
        "from": period.start,
        "to": period.end,
        "by": by or "all",
        "slices": slices,
    }


def targets(
    user: Any,
    *,
    period_from: dt.date | None = None,
    period_to: dt.date | None = None,
    include_history: bool = False,
) -> QuerySet[Target]:
    qs = permissions.restrict(user, Target.objects.select_related("user", "team"))
    if not include_history:
        qs = qs.filter(replaced_at__isnull=True)
    if period_from:
        qs = qs.filter(period_start__gte=period_from)
    if period_to:
        qs = qs.filter(period_start__lte=period_to)
    return qs.order_by("period_start", "team_id", "user_id", "id")
