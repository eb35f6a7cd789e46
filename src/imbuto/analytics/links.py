"""Where each number of the dashboard leads: the lead list (its query-string filters, see
leads.selectors.filter_leads) or the deal list (/deals/?..., the deals app's filters)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from .periods import Period

LEAD_FILTER = {"rep": "owner", "channel": "channel", "campaign": "campaign", "country": "country"}
DEAL_FILTER = {"rep": "owner", "team": "team"}


def _slice_value(obj: dict[str, Any], by: str) -> Any:
    if by == "channel" and obj.get("slice_key") is not None:
        from imbuto.leads.models import Channel

        return Channel.objects.filter(pk=obj["slice_key"]).values_list("slug", flat=True).first()
    return obj.get("slice_key")


def leads(period: Period, obj: dict[str, Any] | None = None, **extra: str) -> str | None:
    """The leads created in the period (in the slice), or None where the lead list cannot show them."""
    query: dict[str, Any] = {
        "created_after": period.start.isoformat(),
        "created_before": (period.end + dt.timedelta(days=1)).isoformat(),
        **extra,
    }
    by = (obj or {}).get("slice_by", "all")
    if by not in ("all", *LEAD_FILTER):
        return None
    if by != "all":
        value = _slice_value(obj or {}, by)
        query[LEAD_FILTER[by]] = "none" if value is None and by == "rep" else value
        if value is None and by != "rep":
            return None
    return f"{reverse('leads:list')}?{urlencode(query)}"


def deals(period: Period | None, obj: dict[str, Any] | None = None, **extra: str) -> str | None:
    """The deals closed in the period (or open ones, period None) in the slice, on /deals/."""
    query: dict[str, Any] = dict(extra)
    if period is not None:
        query.update(close_after=period.start.isoformat(), close_before=period.end.isoformat())
    by = (obj or {}).get("slice_by", "all")
    if by not in ("all", *DEAL_FILTER):
        return None
    if by != "all":
        if obj is None or obj.get("slice_key") is None:
            return None
        query[DEAL_FILTER[by]] = obj["slice_key"]
    return f"/deals/?{urlencode(query)}"
