"""Reads: the KPI objects of a period and the targets, always through core.permissions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from imbuto.core import permissions

from . import kpis
from .models import Target
from .periods import Period


def kpi_report(user: Any, period: Period, by: str | None = None) -> dict[str, Any]:
    """{"computed_at", "period", "by", "slices": [...]}: every KPI, over what `user` may see."""
    permissions.require(user, "view", "analytics.dashboard")
    started = timezone.now()
    slices = kpis.compute(user, period, by)
    return {
        "computed_at": started,
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
