"""The dashboard's chart series: monthly trends and the forecast against target, over what `user`
may see (each series is also shown as a table beside its chart)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from imbuto.core import permissions
from imbuto.deals.models import Deal
from imbuto.leads.models import Lead

from .models import Target
from .periods import Period, add_months, period_end
from .slicing import bounds
from .source_summary import SummarySource


def _month(value: Any) -> dt.date:
    return value.date().replace(day=1) if isinstance(value, dt.datetime) else value.replace(day=1)


def trend(user: Any, last: dt.date, months: int = 6) -> list[dict[str, Any]]:
    """Leads in, deals won and won amount per month for the `months` months ending with `last`'s."""
    first = add_months(last.replace(day=1), 1 - months)
    start, end = bounds(Period(first, period_end(last.replace(day=1), "month")))
    rows: dict[dt.date, dict[str, Any]] = {
        add_months(first, i): {"leads_in": 0, "won_count": 0, "won_amount": 0.0} for i in range(months)
    }
    summary = SummarySource.open(user, Period(first, last))
    if summary is not None:
        rows.update(summary.trend(first, months))
        return [{"month": k.isoformat()[:7], **v} for k, v in sorted(rows.items())]
    leads = permissions.restrict(
        user, Lead.objects.filter(merged_into__isnull=True, created_at__gte=start, created_at__lt=end)
    )
    for r in leads.annotate(m=TruncMonth("created_at")).values("m").annotate(n=Count("pk")).order_by():
        rows.setdefault(_month(r["m"]), {"leads_in": 0, "won_count": 0, "won_amount": 0.0})["leads_in"] = r[
            "n"
        ]
    won = permissions.restrict(
        user, Deal.objects.filter(status="won", closed_at__gte=start, closed_at__lt=end)
    )
    for r in (
        won.annotate(m=TruncMonth("closed_at"))
        .values("m")
        .annotate(n=Count("pk"), a=Sum("amount"))
        .order_by()
    ):
        row = rows.setdefault(_month(r["m"]), {"leads_in": 0, "won_count": 0, "won_amount": 0.0})
        row.update(won_count=r["n"], won_amount=float(r["a"] or 0))
    return [{"month": k.isoformat()[:7], **v} for k, v in sorted(rows.items()) if k in rows]


def forecast_vs_target(user: Any, forecast: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The forecast months beside the targets of those months (team targets, else reps'; a quarter's
    target counted a third in each of its months)."""
    months = [dt.date.fromisoformat(f["month"] + "-01") for f in forecast]
    if not months:
        return []
    first = add_months(months[0], -2)
    current = permissions.restrict(
        user,
        Target.objects.filter(
            replaced_at__isnull=True,
            period_start__gte=first,
            period_start__lte=months[-1],
            amount__isnull=False,
        ),
    )
    per: dict[str, dict[dt.date, Decimal]] = {"team": defaultdict(Decimal), "rep": defaultdict(Decimal)}
    for t in current:
        kind = "team" if t.team_id else "rep"
        if t.period_kind == "quarter":
            for i in range(3):
                per[kind][add_months(t.period_start, i)] += (t.amount or Decimal(0)) / 3
        else:
            per[kind][t.period_start] += t.amount or Decimal(0)
    source = per["team"] if per["team"] else per["rep"]
    return [
        {**f, "target": round(float(source[mo]), 2) if mo in source else None}
        for f, mo in zip(forecast, months, strict=True)
    ]
