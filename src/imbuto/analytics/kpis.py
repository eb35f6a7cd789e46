"""Every KPI of a period at once, one object per slice, computed over what `user` may see
(core.permissions). Definitions and field names: docs/kpis.md."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import ValidationFailed
from imbuto.deals.models import Deal, Product
from imbuto.leads.models import Campaign, Channel, Lead
from imbuto.prediction.models import ModelVersion
from imbuto.sla.models import LeadSla
from imbuto.users.models import Team, User

from . import kpis_deals, kpis_leads
from .models import Target
from .periods import Period
from .slicing import ALL, BY, lead_key
from .source import Source
from .source_raw import RawSource
from .source_summary import SummarySource

# the scalar fields of a slice, in the order of the CSV and XLSX columns (nested ones follow)
FIELDS = (
    "slice_by",
    "slice_key",
    "slice_label",
    "period_from",
    "period_to",
    "leads_in",
    "campaign_cost",
    "cost_per_lead",
    "source_roi",
    "won_count",
    "won_amount",
    "lost_count",
    "win_rate",
    "avg_ticket_mean",
    "avg_ticket_median",
    "cycle_days_from_lead_median",
    "cycle_days_from_lead_p80",
    "cycle_days_from_deal_median",
    "cycle_days_from_deal_p80",
    "response_minutes_median",
    "response_minutes_p90",
    "contacted_within_5m",
    "contacted_within_1h",
    "contacted_within_24h",
    "sla_on_time",
    "sla_late",
    "sla_attainment",
    "pipeline_count",
    "pipeline_value",
    "pipeline_weighted",
    "pipeline_velocity",
    "customers_previous",
    "customers_retained",
    "retention_rate",
    "churn_rate",
    "target_amount",
    "target_count",
    "attainment_amount",
    "attainment_count",
    "gap_amount",
    "gap_count",
)
NESTED = (
    "leads_by_channel",
    "leads_by_campaign",
    "funnel_cohort",
    "conversion_cohort",
    "funnel_flow",
    "conversion_flow",
    "exits",
    "forecast",
)
ZERO = {
    "leads_in": 0,
    "won_count": 0,
    "won_amount": 0.0,
    "lost_count": 0,
    "sla_on_time": 0,
    "sla_late": 0,
    "leads_by_channel": {},
    "leads_by_campaign": {},
}


def check_by(by: str | None) -> str | None:
    if by in (None, ""):
        return None
    if by not in BY:
        raise ValidationFailed(
            _("Slice by one of: %(names)s.") % {"names": ", ".join(BY)},
            fields={"by": [_("Unknown dimension.")]},
        )
    return by


def _visible[M: Model](user: Any, qs: QuerySet[M]) -> QuerySet[M]:
    """What `user` may see; the system itself (user None: the CLI, tasks) sees everything."""
    return qs if user is None else permissions.restrict(user, qs)


def compute(
    user: Any,
    period: Period,
    by: str | None = None,
    *,
    today: dt.date | None = None,
    live: bool = False,
) -> list[dict[str, Any]]:
    """The KPI objects of `period` (one per slice of `by`, or one for the whole), over the leads,
    deals and clocks `user` may see: from the summary tables where they can answer, else (or with
    `live`) from the raw tables. Both give the same figures (tests/analytics/test_summary.py)."""
    return compute_with(source_for(user, period, live=live), user, period, by, today=today)


def source_for(user: Any, period: Period, *, live: bool = False) -> Source:
    """The summary tables when they are built and can apply `user`'s permissions, else the raw tables."""
    if not live:
        summary = SummarySource.open(user, period)
        if summary is not None:
            return summary
    return RawSource(
        period,
        _visible(user, Lead.objects.filter(merged_into__isnull=True)),
        _visible(user, Deal.objects.all()),
        _visible(user, LeadSla.objects.all()),
    )


def compute_with(
    src: Source, user: Any, period: Period, by: str | None = None, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """compute() over a given source."""
    by = check_by(by)
    today = today or timezone.localdate()
    out: dict[Any, dict[str, Any]] = defaultdict(dict)
    if by is None:
        out[ALL] = {}  # the whole always has an object, even when empty
    leads_too = by is None or lead_key(by) is not None
    if leads_too:
        kpis_leads.leads_in(src, by, out)
        kpis_leads.funnel_cohort(src, by, out)
        kpis_leads.exits(src, by, out)
        kpis_leads.funnel_flow(src, by, out, set(out))
    kpis_deals.closed(src, by, out)
    kpis_deals.retention(src, by, out)
    if leads_too:
        kpis_leads.response(src, by, out)
        kpis_leads.sla(src, by, out)
    kpis_deals.campaigns(src, by, period, out)
    kpis_deals.targets(by, period, out, _visible(user, Target.objects.all()))
    kpis_deals.pipeline(src, by, today, out, predicted=ModelVersion.objects.exists())
    labels = _labels(by, list(out))
    result = []
    for k, fields in out.items():
        obj: dict[str, Any] = dict.fromkeys(FIELDS)
        obj.update(dict.fromkeys(NESTED))
        obj.update(
            {
                z: v
                for z, v in ZERO.items()
                if by is None
                or leads_too
                or z not in ("leads_in", "sla_on_time", "sla_late", "leads_by_channel", "leads_by_campaign")
            }
        )
        obj.update(fields)
        obj.update(
            {
                "slice_by": by or "all",
                "slice_key": None if k == ALL else k,
                "slice_label": labels.get(k, ""),
                "period_from": period.start.isoformat(),
                "period_to": period.end.isoformat(),
            }
        )
        result.append(obj)
    result.sort(key=lambda o: (o["slice_key"] is None and by is not None, str(o["slice_label"]).lower()))
    return result


def _labels(by: str | None, keys: list[Any]) -> dict[Any, str]:
    """What each slice is called on screen and in files."""
    ids = [k for k in keys if k not in (None, ALL)]
    none = _("(none)")
    found: dict[Any, str] = {ALL: _("All")}
    if by == "rep":
        found.update({u.pk: str(u) for u in User.objects.filter(pk__in=ids)})
    elif by == "team":
        found.update(dict(Team.objects.filter(pk__in=ids).values_list("pk", "name")))
    elif by == "channel":
        found.update({c.pk: c.display_name for c in Channel.objects.filter(pk__in=ids)})
    elif by == "campaign":
        found.update(dict(Campaign.objects.filter(pk__in=ids).values_list("pk", "name")))
    elif by == "product":
        found.update(dict(Product.objects.filter(pk__in=ids).values_list("pk", "name")))
    elif by == "country":
        found.update({k: str(k) for k in ids})
    return {k: found.get(k, none) for k in keys}


def flat(obj: dict[str, Any]) -> dict[str, Any]:
    """One row for CSV/XLSX: the scalar fields, then the nested ones as `name.key` columns."""
    row = {f: obj.get(f) for f in FIELDS}
    for name in NESTED:
        value = obj.get(name)
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    row.update({f"{name}.{key}.{k2}": v for k2, v in inner.items()})
                else:
                    row[f"{name}.{key}"] = inner
        elif isinstance(value, list):  # forecast
            for item in value:
                row[f"{name}.{item['month']}.weighted"] = item["weighted"]
                row[f"{name}.{item['month']}.predicted"] = item["predicted"]
    return row


def table(objs: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows over all slices (the union of their columns, scalar fields first)."""
    flats = [flat(o) for o in objs]
    header = list(FIELDS)
    for f in flats:
        header += [c for c in f if c not in header]
    return header, [[f.get(c) for c in header] for f in flats]
