"""The deal-side KPIs of a period (sales volume, win rate, ticket, cycle, pipeline and forecast,
retention, campaign cost and ROI, targets), each into {slice key: {field: value}}."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, FloatField, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from imbuto.deals.models import Deal
from imbuto.leads.models import Campaign, Lead

from . import formulas as m
from .periods import Period, add_months, period_end
from .slicing import ALL, grouped, rows

Out = dict[Any, dict[str, Any]]
FORECAST_MONTHS = 3


def _days(a: dt.datetime | None, b: dt.datetime | None) -> float | None:
    return None if a is None or b is None else max((b - a).total_seconds() / 86400, 0)


def closed(deals: QuerySet[Deal], key: str | None, start: Any, end: Any, out: Out) -> None:
    """Deals closed in the period: won count and amount, lost count, win rate, mean and median won
    amount, sales cycle (days to won from the lead's and from the deal's creation)."""
    done = deals.filter(closed_at__gte=start, closed_at__lt=end, status__in=("won", "lost"))
    seen: set[tuple[Any, int]] = set()
    by_key: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for k, pk, *rest in rows(
        done, key, "pk", "status", "amount", "created_at", "lead__created_at", "closed_at"
    ):
        if (k, pk) not in seen:  # a deal with two lines of one product counts once in that product
            seen.add((k, pk))
            by_key[k].append(tuple(rest))
    for k, items in by_key.items():
        won = [i for i in items if i[0] == "won"]
        amounts = [i[1] or Decimal(0) for i in won]
        from_lead = [d for i in won if (d := _days(i[3], i[4])) is not None]
        from_deal = [d for i in won if (d := _days(i[2], i[4])) is not None]
        out[k].update(
            {
                "won_count": len(won),
                "won_amount": float(sum(amounts)),
                "lost_count": len(items) - len(won),
                "win_rate": m.ratio(len(won), len(items)),
                "avg_ticket_mean": m.mean(amounts),
                "avg_ticket_median": m.median([float(a) for a in amounts]),
                "cycle_days_from_lead_median": m.median(from_lead),
                "cycle_days_from_lead_p80": m.percentile(from_lead, 80),
                "cycle_days_from_deal_median": m.median(from_deal),
                "cycle_days_from_deal_p80": m.percentile(from_deal, 80),
            }
        )


def pipeline(deals: QuerySet[Deal], key: str | None, today: dt.date, out: Out, predicted: bool) -> None:
    """Open deals now: count, value, weighted value (deal probability, else its stage's), and the
    forecast of the coming months by expected close (stage-weighted, and by the predictive score
    where a model is trained)."""
    weight = Coalesce("probability", "stage__probability")
    weighted = ExpressionWrapper(F("amount") * weight / 100.0, output_field=DecimalField())
    groups = [g for g in (key, "month") if g]
    aggregates: dict[str, Any] = {
        "n": Count("pk", distinct=True),
        "value": Sum("amount"),
        "weighted": Sum(weighted),
    }
    if predicted:
        aggregates["predicted"] = Sum(
            ExpressionWrapper(F("amount") * F("lead__prediction__probability"), output_field=FloatField())
        )
    open_deals = deals.filter(status="open").annotate(month=TruncMonth("expected_close"))
    horizon = [add_months(today, i) for i in range(FORECAST_MONTHS)]
    totals: dict[Any, dict[str, Any]] = defaultdict(lambda: {"n": 0, "value": 0.0, "weighted": 0.0})
    forecast: dict[Any, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for row in open_deals.values(*groups).annotate(**aggregates).order_by():
        k = row[key] if key else ALL
        t = totals[k]
        t["n"] += row["n"]
        t["value"] += float(row["value"] or 0)
        t["weighted"] += float(row["weighted"] or 0)
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        if month in horizon:
            forecast[k][month] = {
                "weighted": float(row["weighted"] or 0),
                "predicted": float(row["predicted"] or 0) if predicted else None,
            }
    for k in set(out) | set(totals):
        t = totals[k]
        out[k].update(
            {
                "pipeline_count": t["n"],
                "pipeline_value": round(t["value"], 2),
                "pipeline_weighted": round(t["weighted"], 2),
            }
        )
        out[k]["forecast"] = [
            {
                "month": mo.isoformat()[:7],
                "weighted": round(forecast[k].get(mo, {}).get("weighted", 0.0), 2),
                "predicted": (
                    round(forecast[k].get(mo, {}).get("predicted") or 0.0, 2) if predicted else None
                ),
            }
            for mo in horizon
        ]
        fields = out[k]
        fields["pipeline_velocity"] = m.velocity(
            t["n"],
            fields.get("win_rate"),
            fields.get("avg_ticket_mean"),
            fields.get("cycle_days_from_deal_median"),
        )


def retention(deals: QuerySet[Deal], key: str | None, period: Period, bounds: Any, out: Out) -> None:
    """Customers of the previous period of the same length (accounts with a deal won then) who won
    again in this one: retention = retained / previous customers; churn = 1 - retention."""
    prev_start, prev_end = bounds(period.previous())
    start, end = bounds(period)
    won = deals.filter(status="won", account__isnull=False)
    before = grouped(rows(won.filter(closed_at__gte=prev_start, closed_at__lt=prev_end), key, "account_id"))
    now = grouped(rows(won.filter(closed_at__gte=start, closed_at__lt=end), key, "account_id"))
    for k in set(out) | set(before):
        prev = {a for (a,) in before.get(k, [])}
        again = prev & {a for (a,) in now.get(k, [])}
        rate = m.ratio(len(again), len(prev))
        out[k].update(
            {
                "customers_previous": len(prev),
                "customers_retained": len(again),
                "retention_rate": rate,
                "churn_rate": None if rate is None else round(1 - rate, 4),
            }
        )


def campaigns(
    by: str | None,
    leads: QuerySet[Lead],
    deals: QuerySet[Deal],
    period: Period,
    start: Any,
    end: Any,
    out: Out,
) -> None:
    """Cost of the campaigns starting in the period, cost per lead (over the period's leads that came
    through a campaign) and source ROI (won amount of the period from campaign leads / cost). Only
    for the whole, per channel and per campaign; other slices get null."""
    if by not in (None, "channel", "campaign"):
        for fields in out.values():
            fields.update({"campaign_cost": None, "cost_per_lead": None, "source_roi": None})
        return
    field = {None: None, "channel": "channel_id", "campaign": "pk"}[by]
    started = Campaign.objects.filter(starts_on__gte=period.start, starts_on__lte=period.end)
    cost: dict[Any, Decimal] = defaultdict(Decimal)
    for pk, channel_id, amount in started.values_list("pk", "channel_id", "cost"):
        cost[{"pk": pk, "channel_id": channel_id}[field] if field else ALL] += amount or Decimal(0)
    ids = list(started.values_list("pk", flat=True))
    lead_key = {None: None, "channel": "channel_id", "campaign": "campaign_id"}[by]
    deal_key = {None: None, "channel": "lead__channel_id", "campaign": "lead__campaign_id"}[by]
    n_leads = grouped(
        rows(leads.filter(created_at__gte=start, created_at__lt=end, campaign_id__in=ids), lead_key, "pk")
    )
    won = grouped(
        rows(
            deals.filter(status="won", closed_at__gte=start, closed_at__lt=end, lead__campaign_id__in=ids),
            deal_key,
            "amount",
        )
    )
    for k in set(out) | set(cost):
        spent = cost.get(k)
        out[k].update(
            {
                "campaign_cost": float(spent) if spent is not None else None,
                "cost_per_lead": m.ratio(spent, len(n_leads.get(k, []))),
                "source_roi": m.ratio(sum((a or 0 for (a,) in won.get(k, [])), Decimal(0)), spent),
            }
        )


def targets(by: str | None, period: Period, out: Out, targets_qs: QuerySet[Any]) -> None:
    """Quotas of the months and quarters lying inside the period, for reps (by rep), teams (by team) or
    the teams together (no slice; the reps' if no team has one): attainment = won / target, gap =
    what is still to win (never below zero). Other slices get null."""
    current = targets_qs.filter(
        replaced_at__isnull=True, period_start__gte=period.start, period_start__lte=period.end
    )
    inside = [t for t in current if period_end(t.period_start, t.period_kind) <= period.end]
    if by is None:
        team_rows = [t for t in inside if t.team_id]
        inside = [(ALL, t) for t in (team_rows or [t for t in inside if t.user_id])]
    elif by in ("rep", "team"):
        inside = [
            (t.user_id if by == "rep" else t.team_id, t)
            for t in inside
            if (t.user_id if by == "rep" else t.team_id)
        ]
    else:
        inside = []
    amount: dict[Any, Decimal | None] = {}
    count: dict[Any, int | None] = {}
    for k, t in inside:
        if t.amount is not None:
            amount[k] = (amount.get(k) or Decimal(0)) + t.amount
        if t.count is not None:
            count[k] = (count.get(k) or 0) + t.count
    for k in set(out) | set(amount) | set(count):
        f = out[k]
        won_amount, won_count = f.get("won_amount", 0.0), f.get("won_count", 0)
        ta, tc = amount.get(k), count.get(k)
        f.update(
            {
                "target_amount": float(ta) if ta is not None else None,
                "target_count": tc,
                "attainment_amount": m.ratio(won_amount, ta),
                "attainment_count": m.ratio(won_count, tc),
                "gap_amount": None if ta is None else round(max(float(ta) - won_amount, 0), 2),
                "gap_count": None if tc is None else max(tc - won_count, 0),
            }
        )
