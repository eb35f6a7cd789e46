"""Plain KPI arithmetic over plain data (no database): every ratio and percentile answers None when
it has nothing to work on, which the API shows as null and the UI as "n/a"."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal


def ratio(part: float | Decimal | None, whole: float | Decimal | None, digits: int = 4) -> float | None:
    """part / whole, or None when either is missing or whole is zero."""
    if part is None or whole is None or not whole:
        return None
    return round(float(part) / float(whole), digits)


def ranks(n: int, p: float) -> tuple[int, int, float]:
    """The two closest ranks (0-based) of the p-th percentile of n ordered values, and the weight of
    the upper one: k = (n - 1) p / 100, low = floor(k), high = ceil(k)."""
    k = (n - 1) * p / 100
    return math.floor(k), math.ceil(k), k - math.floor(k)


def interpolate(low_value: float, high_value: float, weight: float) -> float:
    """Linear interpolation between the two closest ranks, rounded as every percentile here."""
    return round(float(low_value + (high_value - low_value) * weight), 4)


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0-100) by linear interpolation between closest ranks (what PostgreSQL's
    percentile_cont and pandas' quantile compute); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    low, high, weight = ranks(len(ordered), p)
    return interpolate(ordered[low], ordered[high], weight)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def mean(values: Sequence[float | Decimal]) -> float | None:
    return round(float(sum(values)) / len(values), 4) if values else None


def share_within(values: Sequence[float], limit: float, whole: int) -> float | None:
    """The share of `whole` items whose value is at most `limit` (items without a value count as not
    within)."""
    return ratio(sum(1 for v in values if v <= limit), whole)


def velocity(
    open_deals: int, win_rate: float | None, avg_ticket: float | None, cycle_days: float | None
) -> float | None:
    """Pipeline velocity: money per day the pipeline turns into won business,
    open deals x win rate x average ticket / sales cycle days."""
    if win_rate is None or avg_ticket is None or not cycle_days:
        return None
    return round(open_deals * win_rate * avg_ticket / cycle_days, 2)
