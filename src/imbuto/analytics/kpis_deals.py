"""The deal-side KPIs of a period (sales volume, win rate, ticket, cycle, pipeline and forecast,
retention, campaign cost and ROI, targets), each into {slice key: {field: value}}, from what a source
(analytics.source) reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from imbuto.leads.models import Campaign

from . import formulas as m
from .periods import Period, add_months, period_end
from .slicing import ALL
from .source import Source

Out = dict[Any, dict[str, Any]]
FORECAST_MONTHS = 3


def closed(src: Source, by: str | None, out: Out) -> None:
    """Deals closed in the period: won count and amount, lost count, win rate, mean and median won
    amount, sales cycle (days to won from the lead's and from the deal's creation)."""
    for k, c in src.closed(by).items():
        out[k].update(
            {
                "won_count": c.won,
                "won_amount": float(c.won_sum),
                "lost_count": c.lost,
                "win_rate": m.ratio(c.won, c.won + c.lost),
                "avg_ticket_mean": round(float(c.won_sum) / c.won, 4) if c.won else None,
                "avg_ticket_median": c.ticket_median,
                "cycle_days_from_lead_median": c.from_lead_median,
                "cycle_days_from_lead_p80": c.from_lead_p80,
                "cycle_days_from_deal_median": c.from_deal_median,
                "cycle_days_from_deal_p80": c.from_deal_p80,
            }
        )


def pipeline(src: Source, by: str | None, today: dt.date, out: Out, predicted: bool) -> None:
    """Open deals now: count, value, weighted value (deal probability, else its stage's), and the
    forecast of the coming months by expected close (stage-weighted, and by the predictive score
    where a model is trained)."""
    horizon = [add_months(today, i) for i in range(FORECAST_MONTHS)]
    totals: dict[Any, dict[str, Any]] = defaultdict(lambda: {"n": 0, "value": 0.0, "weighted": 0.0})
    forecast: dict[Any, dict[dt.date, dict[str, Any]]] = defaultdict(dict)
    for row in src.pipeline(by, predicted):
        t = totals[row.key]
        t["n"] += row.n
        t["value"] += float(row.value or 0)
        t["weighted"] += float(row.weighted or 0)
        if row.month in horizon:
            forecast[row.key][row.month] = {
                "weighted": float(row.weighted or 0),
                "predicted": float(row.predicted or 0) if predicted else None,
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


def retention(src: Source, by: str | None, out: Out) -> None:
    """Customers of the previous period of the same length (accounts with a deal won then) who won
    again in this one: retention = retained / previous customers; churn = 1 - retention."""
    found = src.retention(by)
    for k in set(out) | set(found):
        prev, again = found.get(k, (0, 0))
        rate = m.ratio(again, prev)
        out[k].update(
            {
                "customers_previous": prev,
                "customers_retained": again,
                "retention_rate": rate,
                "churn_rate": None if rate is None else round(1 - rate, 4),
            }
        )


def campaigns(src: Source, by: str | None, period: Period, out: Out) -> None:
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
    n_leads = src.campaign_leads(by, ids)
    won = src.campaign_won(by, ids)
    for k in set(out) | set(cost):
        spent = cost.get(k)
        out[k].update(
            {
                "campaign_cost": float(spent) if spent is not None else None,
                "cost_per_lead": m.ratio(spent, n_leads.get(k, 0)),
                "source_roi": m.ratio(won.get(k, Decimal(0)), spent),
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
