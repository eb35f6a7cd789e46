"""Deal pages: the board (kanban) per pipeline, the list, a deal's page, and the conversion of a lead.
Thin adapters: the board's drag and drop and the deal page's move form both call services.deal_move."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core import explain, permissions
from imbuto.core.errors import DomainError, NotFound, PermissionDenied
from imbuto.core.history import history_of
from imbuto.core.htmx import is_partial, render_error
from imbuto.leads import selectors as lead_selectors
from imbuto.users.models import Team, User

from . import selectors, services
from .conversion import lead_convert
from .forms import parse_amount
from .models import Deal, LostReason, Pipeline, StageOutcome


def _deal(request: HttpRequest, pk: int) -> Deal:
    try:
        return selectors.deal_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _pipeline(request: HttpRequest) -> Pipeline:
    wanted = request.GET.get("pipeline") or request.POST.get("pipeline") or ""
    pipelines = selectors.pipelines(request.user)
    found = pipelines.filter(pk=int(wanted)).first() if wanted.isdigit() and len(wanted) <= 18 else None
    found = found or pipelines.order_by("-is_default", "pk").first()
    if found is None:
        raise Http404(_("There is no pipeline."))
    return found


def _month(text: str) -> tuple[dt.date, dt.date] | None:
    """ "2026-12" -> (1 Dec, 1 Jan): the close month filter."""
    try:
        first = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return first, (first + dt.timedelta(days=32)).replace(day=1)


def board_params(source: Any) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if source.get("owner"):
        params["owner"] = source.get("owner")[:150]
    if source.get("team"):
        params["team"] = source.get("team")[:100]
    month = _month(source.get("month", "")[:7])
    if month:
        params["close_after"], params["close_before"] = month
    return params


def _board_context(request: HttpRequest, pipeline: Pipeline, source: Any, error: str = "") -> dict[str, Any]:
    params = board_params(source)
    columns = selectors.board(request.user, pipeline, params)
    return {
        "pipeline": pipeline,
        "pipelines": list(selectors.pipelines(request.user)),
        "columns": columns,
        "filters": {
            "owner": source.get("owner", ""),
            "team": source.get("team", ""),
            "month": source.get("month", "")[:7],
        },
        "owners": User.objects.filter(is_active=True, role__in=("admin", "manager", "rep")).order_by(
            "username"
        ),
        "teams": Team.objects.order_by("name"),
        "error": error,
        "can_move": permissions.can(request.user, "change", Deal),
        "lost_reasons": LostReason.choices,
        "total": sum((c.total for c in columns if c.stage.outcome == StageOutcome.OPEN), Decimal(0)),
        "weighted": sum((c.weighted for c in columns if c.stage.outcome == StageOutcome.OPEN), Decimal(0)),
    }


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The kanban of one pipeline; an htmx request (filters) gets the board alone."""
    pipeline = _pipeline(request)
    context = _board_context(request, pipeline, request.GET)
    name = "deals/board.html#board" if is_partial(request) else "deals/board.html"
    return render(request, name, context)


def _move(request: HttpRequest, deal: Deal) -> None:
    version = request.POST.get("version", "")
    services.deal_move(
        actor=request.user,
        deal=deal,
        stage=request.POST.get("stage", "")[:40],
        amount=parse_amount(request.POST.get("amount", "")),
        lost_reason=request.POST.get("lost_reason", ""),
        competitor=request.POST.get("competitor", "")[:200] or None,
        competitor_product=request.POST.get("competitor_product", "")[:200] or None,
        lost_note=request.POST.get("lost_note", "")[:2000],
        version=int(version) if version.isdigit() and len(version) <= 9 else None,
    )


@login_required
@require_GET
def board_cards(request: HttpRequest) -> HttpResponse:
    """A column's next cards (htmx "load more", appended in place) after the cursor its button holds,
    and the button again for the ones after them."""
    pipeline = _pipeline(request)
    key = request.GET.get("stage", "")[:40]
    stages = pipeline.stages.order_by("position", "pk")
    stage = stages.filter(key=key).first() if key else stages.first()  # no stage: the first column
    if stage is None:
        raise Http404(_("No such stage."))
    try:
        page = selectors.board_cards(
            request.user, pipeline, stage, board_params(request.GET), cursor=request.GET.get("cursor") or None
        )
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    context = {
        "pipeline": pipeline,
        "stage": stage,
        "cards": page.cards,
        "next_cursor": page.next_cursor,
        "remaining": page.remaining,
        "filters": {k: request.GET.get(k, "")[:150] for k in ("owner", "team", "month")},
    }
    return render(request, "deals/board.html#more-cards", context)


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """A card dropped on another column (htmx: the board comes back, with the refusal if any), or the
    deal page's move form (a redirect to the deal with a message)."""
    deal = _deal(request, pk)
    status, error = 200, ""
    try:
        _move(request, deal)
    except PermissionDenied as exc:
        if not is_partial(request):
            return render_error(request, exc, status=403)
        status, error = exc.status, exc.message
    except DomainError as exc:
        status, error = exc.status, exc.message
    if is_partial(request):
        context = _board_context(request, deal.pipeline, request.POST, error=error)
        return render(request, "deals/board.html#board", context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Deal moved."))
    return redirect("deals:detail", pk=deal.pk)


@login_required
@require_GET
def deal_list(request: HttpRequest) -> HttpResponse:
    params = {k: request.GET.get(k, "")[:200] for k in ("pipeline", "stage", "status", "owner", "search")}
    params["ordering"] = request.GET.get("ordering", "")[:30]
    try:
        page = selectors.deal_list(request.user, params, limit=50, cursor=request.GET.get("cursor") or None)
        items, next_cursor, error = page.items, page.next_cursor, ""
    except DomainError as exc:
        items, next_cursor, error = [], None, exc.message
    context = {
        "deals": items,
        "next_cursor": next_cursor,
        "params": params,
        "error": error,
        "pipelines": list(selectors.pipelines(request.user)),
        "statuses": StageOutcome.choices,
    }
    return render(request, "deals/deal_list.html", context)


def _field_order(name: str) -> int:
    """The form's order (PostgreSQL's jsonb keeps keys in its own order, SQLite in insertion order)."""
    order = (*services.EDITABLE, "lines")
    return order.index(name) if name in order else len(order)


def _field_label(name: str) -> str:
    """What a history entry changed, as the page names it ("lines": the products)."""
    if name == "lines":
        return _("Products")
    try:
        return str(Deal._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


@login_required
@require_GET
def deal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal(request, pk)
    stages = {s.pk: s for s in deal.pipeline.stages.all()}
    entries = []
    for entry in history_of(deal).order_by("at", "id"):
        changes = dict(entry.changes or {})
        stage = changes.pop("stage", None)
        entries.append(
            {
                "entry": entry,
                "changes": changes,
                "note": explain.render(entry.reason_code, entry.reason_params or {})
                if entry.reason_code
                else "",
                "fields": [_field_label(name) for name in sorted(changes, key=_field_order)],
                "from": stages.get(stage[0]) if stage else None,
                "to": stages.get(stage[1]) if stage else None,
            }
        )
    can_edit = permissions.can(request.user, "change", deal)  # the edit form (views_edit) asks the same
    context = {
        "deal": deal,
        "lines": list(deal.lines.all()),
        "history": entries,
        "stages": [s for s in stages.values() if s.pk != deal.stage_id],
        "can_edit": can_edit,
        "can_change": deal.status == StageOutcome.OPEN and can_edit,
        "lost_reasons": LostReason.choices,
        "lead": lead_selectors.lead_ref(request.user, deal.lead_id),
    }
    return render(request, "deals/deal_detail.html", context)


@login_required
@require_POST
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead page's Convert form: deal name, amount, pipeline, expected close."""
    try:
        lead = lead_selectors.lead_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        close = request.POST.get("expected_close", "")
        deal = lead_convert(
            actor=request.user,
            lead=lead,
            name=request.POST.get("name", "")[:200],
            amount=parse_amount(request.POST.get("amount", "")),
            pipeline=_pipeline(request),
            expected_close=dt.date.fromisoformat(close) if close else None,
        )
    except ValueError:
        messages.error(request, _("The expected close is not a date."))
        return redirect("leads:detail", pk=pk)
    except PermissionDenied as exc:
        return render_error(request, exc, status=403)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("leads:detail", pk=pk)
    messages.success(request, _("Converted: the deal, its account and contact are ready."))
    return redirect("deals:detail", pk=deal.pk)
