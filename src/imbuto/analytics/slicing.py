"""The dimensions a KPI set can be sliced by, and where each lives on leads, deals and clocks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from .periods import Period

BY = ("rep", "team", "channel", "campaign", "country", "product")

# the field holding the slice key, per dimension, on leads and on deals (None: not sliceable there)
LEAD_KEY: dict[str, str | None] = {
    "rep": "owner_id",
    "team": "team_id",
    "channel": "channel_id",
    "campaign": "campaign_id",
    "country": "country",
    "product": None,
}
DEAL_KEY: dict[str, str] = {
    "rep": "owner_id",
    "team": "team_id",
    "channel": "lead__channel_id",
    "campaign": "lead__campaign_id",
    "country": "account__country",
    "product": "lines__product_id",
}
ALL = "all"


def lead_key(by: str | None, prefix: str = "") -> str | None:
    field = LEAD_KEY[by] if by else None
    return f"{prefix}{field}" if field else None


def deal_key(by: str | None) -> str | None:
    return DEAL_KEY[by] if by else None


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) instants in the instance's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return start, end


def counts(qs: QuerySet[Any], key: str | None, *extra: str) -> dict[tuple[Any, ...], int]:
    """{(slice key, *extra values): count} in one grouped query (slice key ALL without a dimension)."""
    groups = [g for g in (key, *extra) if g]
    if not groups:
        return {(ALL,): qs.count()}
    out: dict[tuple[Any, ...], int] = {}
    for row in (
        qs.values(*groups).annotate(n=Count("pk", distinct=key is not None and "__" in key)).order_by()
    ):
        out[(row[key] if key else ALL, *(row[e] for e in extra))] = row["n"]
    return out


def rows(qs: QuerySet[Any], key: str | None, *fields: str) -> Iterable[tuple[Any, ...]]:
    """(slice key, *fields) per row."""
    if key is None:
        return ((ALL, *r) for r in qs.values_list(*fields).order_by())
    return qs.values_list(key, *fields).order_by()


def grouped(items: Iterable[tuple[Any, ...]]) -> dict[Any, list[tuple[Any, ...]]]:
    """{slice key: [rest of each tuple]}."""
    out: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
    for key, *rest in items:
        out[key].append(tuple(rest))
    return out
