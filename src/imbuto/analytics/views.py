"""The dashboard (charts with their tables, every number linking to its records) and the targets page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from imbuto.core import permissions
from imbuto.core.errors import DomainError
from imbuto.leads.choices import FUNNEL, DiscardReason, ParkReason, Stage
from imbuto.leads.models import Channel
from imbuto.users.models import Team, User

from . import charts, files, links, selectors, services
from .periods import Period, make_period, parse_period
from .slicing import BY


def _person(request: HttpRequest) -> User:
    if not isinstance(request.user, User) or not permissions.can(request.user, "view", "analytics.dashboard"):
        raise DjangoPermissionDenied
    return request.user


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _period(request: HttpRequest) -> tuple[Period, str | None]:
    """The period asked for, or this quarter with a message for one that cannot be read."""
    today = timezone.localdate()
    try:
        if request.GET.get("period"):
            return parse_period(request.GET["period"]), None
        return make_period(_date(request.GET.get("from")), _date(request.GET.get("to")), today), None
    except DomainError as exc:
        return make_period(None, None, today), exc.message


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    period, problem = _period(request)
    by = request.GET.get("by") if request.GET.get("by") in BY else "rep"
    if problem:
        messages.error(request, problem)
    report = selectors.kpi_report(user, period)
    total = report["slices"][0]
    sliced = selectors.kpi_report(user, period, by)["slices"]
    for obj in [total, *sliced]:
        obj["links"] = {
            "leads": links.leads(period, obj),
            "won": links.deals(period, obj, status="won"),
            "lost": links.deals(period, obj, status="lost"),
            "open": links.deals(None, obj, status="open"),
        }
    names = dict(Stage.choices)
    flow = total.get("funnel_flow") or {}
    funnel = [
        {
            "stage": str(names.get(s, s)),
            "n": n,
            "flow": flow.get(s),
            "link": links.leads(period, total, stage=s),
        }
        for s, n in (total.get("funnel_cohort") or {}).items()
    ]
    cohort_rates, flow_rates = total.get("conversion_cohort") or {}, total.get("conversion_flow") or {}
    conversions = [
        {
            "label": f"{names[a]} → {names[b]}",
            "cohort": cohort_rates.get(f"{a}_to_{b}"),
            "flow": flow_rates.get(f"{a}_to_{b}"),
        }
        for a, b in zip(FUNNEL, FUNNEL[1:], strict=False)
    ]
    reasons = {**dict(DiscardReason.choices), **dict(ParkReason.choices)}
    exits = [
        {"stage": names.get(stage, stage), "reasons": [(reasons.get(r, r), n) for r, n in found.items()]}
        for stage, found in (total.get("exits") or {}).items()
    ]
    channel_names = {c.slug: c.display_name for c in Channel.objects.all()}
    channels = [
        {"slug": slug, "label": channel_names.get(slug, _("(none)")), "n": n}
        for slug, n in sorted((total.get("leads_by_channel") or {}).items(), key=lambda kv: -kv[1])
    ]
    context = {
        "period": period,
        "by": by,
        "dims": BY,
        "total": total,
        "sliced": sliced,
        "funnel": funnel,
        "conversions": conversions,
        "exits": exits,
        "channels": channels,
        "trend": charts.trend(user, period.end),
        "forecast": charts.forecast_vs_target(user, total.get("forecast") or []),
        "computed_at": report["computed_at"],
        "source": report["source"],
        "figures_as_of": report["figures_as_of"],
        "summary_built_at": report["summary_built_at"],
        "may_set_targets": permissions.can(user, "change", "analytics.targets"),
        "from_value": period.start.isoformat(),
        "to_value": period.end.isoformat(),
        "before_value": (period.end + dt.timedelta(days=1)).isoformat(),
    }
    context["chart_data"] = {
        "funnel": {"labels": [f["stage"] for f in funnel], "values": [f["n"] for f in funnel]},
        "trend": {
            "labels": [t["month"] for t in context["trend"]],
            "leads": [t["leads_in"] for t in context["trend"]],
            "won": [t["won_amount"] for t in context["trend"]],
        },
        "channels": {
            "labels": [c["label"] for c in channels],
            "values": [c["n"] for c in channels],
        },
        "slices": {
            "labels": [s["slice_label"] for s in sliced],
            "won": [s["won_amount"] for s in sliced],
            "target": [s["target_amount"] for s in sliced],
        },
        "forecast": {
            "labels": [f["month"] for f in context["forecast"]],
            "weighted": [f["weighted"] for f in context["forecast"]],
            "predicted": [f["predicted"] for f in context["forecast"]],
            "target": [f["target"] for f in context["forecast"]],
        },
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponseBase:
    """The dashboard's figures (the chosen slice) as CSV."""
    user = _person(request)
    period, _problem = _period(request)
    by = request.GET.get("by") if request.GET.get("by") in BY else None
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return files.download(selectors.kpi_report(user, period, by), fmt)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ".")) if text.strip() else None
    except InvalidOperation:
        return Decimal(-1)  # refused by the service with its message


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    user = _person(request)
    may_change = permissions.can(user, "change", "analytics.targets")
    if request.method == "POST":
        if not may_change:
            raise DjangoPermissionDenied
        try:
            if request.POST.get("remove"):
                services.target_remove(actor=user, target_id=int(request.POST["remove"]))
                messages.success(request, _("Target removed (kept in the history)."))
            else:
                who = request.POST.get("who", "")
                kind, _sep, pk = who.partition(":")
                count = request.POST.get("count", "").strip()
                services.target_set(
                    actor=user,
                    user_id=int(pk) if kind == "rep" and pk.isdigit() else None,
                    team_id=int(pk) if kind == "team" and pk.isdigit() else None,
                    period_kind=request.POST.get("period_kind", ""),
                    period_start=_date(request.POST.get("period_start")) or dt.date(1, 1, 2),
                    amount=_decimal(request.POST.get("amount", "")),
                    count=int(count) if count.isdigit() else None,
                )
                messages.success(request, _("Target saved."))
        except (DomainError, ValueError) as exc:
            messages.error(request, getattr(exc, "message", _("Check the values.")))
        return redirect("analytics:targets")
    rows = selectors.targets(user)
    reps = User.objects.filter(role__in=("rep", "manager"), is_active=True).order_by("username")
    if permissions.role_of(user) != "admin":  # a manager sets their team's (and their own)
        reps = reps.filter(team_id=user.team_id) if user.team_id else reps.filter(pk=user.pk)
    teams = Team.objects.all()
    if permissions.role_of(user) != "admin":
        teams = teams.filter(pk=user.team_id or 0)
    return render(
        request,
        "analytics/targets.html",
        {"rows": rows, "may_change": may_change, "reps": reps, "teams": teams},
    )
