"""The duplicate review queue (side by side, one-click merge or dismiss with htmx) and the merge
inspection page. Thin adapters over intake.selectors and intake.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from imbuto.core import explain
from imbuto.core.errors import DomainError, NotFound
from imbuto.core.htmx import is_partial, render_error
from imbuto.leads.models import Lead

from . import selectors, services
from .labels import field_name, match_reasons
from .models import DuplicateCandidate, LeadMerge

PAGE_SIZE = 25
COMPARED = [
    ("first_name", gettext_lazy("First name")), ("last_name", gettext_lazy("Last name")),
    ("email", gettext_lazy("Email")), ("phone", gettext_lazy("Phone")),
    ("job_title", gettext_lazy("Job title")), ("company_name", gettext_lazy("Company")),
    ("vat_id", gettext_lazy("VAT id")), ("website", gettext_lazy("Website")),
    ("street", gettext_lazy("Street")), ("postal_code", gettext_lazy("Postal code")),
    ("city", gettext_lazy("City")), ("region", gettext_lazy("Province or region")),
    ("country", gettext_lazy("Country")), ("stage", gettext_lazy("Stage")),
    ("owner", gettext_lazy("Owner")), ("channel", gettext_lazy("Channel")),
    ("created_at", gettext_lazy("Created")),
]


def _value(name: str, value: Any) -> Any:
    """A stored value for people: a choice by its label, a language by its name, flags as sentences."""
    from imbuto.leads.presenters import language_name
    from imbuto.leads.timeline import CHOICES

    if value in (None, ""):
        return ""
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    if name == "language":
        return language_name(str(value))
    if name == "quality_flags" and isinstance(value, dict):
        return "; ".join(f"{field_name(k)}: {explain.render(v)}" for k, v in value.items())
    return value


def _display(lead: Lead, name: str) -> Any:
    if name == "stage":
        return lead.get_stage_display()
    value = getattr(lead, name)
    return "" if value is None else value


def compare_rows(a: Lead, b: Lead) -> list[dict[str, Any]]:
    """Field by field, with the rows that differ marked (both filled and not equal)."""
    rows = []
    for name, label in COMPARED:
        left, right = _display(a, name), _display(b, name)
        same = str(left).casefold() == str(right).casefold()
        rows.append({"name": name, "label": label, "a": left, "b": right,
                     "differs": bool(left) and bool(right) and not same and name != "created_at"})
    return rows


def _pair_context(pair: DuplicateCandidate) -> dict[str, Any]:
    return {"pair": pair, "rows": compare_rows(pair.lead, pair.candidate),
            "reasons": match_reasons(pair.reasons)}


@login_required
@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicates the user may see on both sides, most likely first, side by side."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    pairs = selectors.duplicate_list(request.user, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    context = {"pairs": [_pair_context(p) for p in pairs[:PAGE_SIZE]], "page": page,
               "has_next": len(pairs) > PAGE_SIZE, "total": selectors.duplicate_count(request.user),
               "learned_from": selectors.matcher_learned_from()}
    return render(request, "intake/review/duplicates.html", context)


def _resolved(request: HttpRequest, pair: DuplicateCandidate, merge: LeadMerge | None) -> HttpResponse:
    if is_partial(request):
        # The header's count goes with the answer (out of band): a merge may settle other pairs too.
        return render(request, "intake/review/duplicates.html#resolved", {
            "pair": pair, "merge": merge, "total": selectors.duplicate_count(request.user)})
    if merge is not None:
        messages.success(request, _("Merged lead %(m)s into lead %(s)s.")
                         % {"m": merge.merged_id, "s": merge.survivor_id})
        return redirect("intake:merge_detail", merge.pk)
    messages.success(request, _("Marked as not a duplicate."))
    return redirect("intake:duplicates")


def _pair(request: HttpRequest, pk: int) -> DuplicateCandidate:
    try:
        return selectors.duplicate_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: merge the pair, the survivor chosen by the documented rule (or the one picked)."""
    pair = _pair(request, pk)
    survivor = None
    if (picked := request.POST.get("survivor", "")).isdigit() and int(picked) in (pair.lead_id,
                                                                                  pair.candidate_id):
        survivor = pair.lead if int(picked) == pair.lead_id else pair.candidate
    try:
        merge = services.duplicate_merge(actor=request.user, candidate=pair, survivor=survivor)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    pair.refresh_from_db()
    return _resolved(request, pair, merge)


@login_required
@require_POST
def duplicate_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    pair = _pair(request, pk)
    try:
        pair = services.duplicate_dismiss(actor=request.user, candidate=pair,
                                          reason=request.POST.get("reason", "")[:500])
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    return _resolved(request, pair, None)


@login_required
@require_GET
def merge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A merge afterwards: who, when, why, the values it filled and every value that differed; to
    someone who may see only the merged lead, without the surviving lead's values (MergeView)."""
    try:
        merge = selectors.merge_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    differing = [{"field": field_name(k), "kept": _value(k, v[0] if isinstance(v, list) else v),
                  "other": _value(k, v[1] if isinstance(v, list) and len(v) > 1 else "")}
                 for k, v in sorted(merge.differing_values.items())]
    both = merge.survivor_visible and merge.merged_id
    context = {"merge": merge, "differing": differing,
               "filled": [(field_name(k), _value(k, v)) for k, v in sorted(merge.filled_values.items())],
               "incoming": [(field_name(k), _value(k, v)) for k, v in sorted(merge.incoming.items())],
               "rule": explain.render(merge.rule), "reason": explain.render(merge.reason),
               "rows": compare_rows(merge.merge.survivor, merge.merge.merged) if both else []}
    return render(request, "intake/review/merge_detail.html", context)


@login_required
@require_GET
def lead_merges(request: HttpRequest, pk: int) -> HttpResponse:
    """Every merge into a lead, newest first, each linking to its inspection page."""
    try:
        merges = list(selectors.lead_merges(request.user, pk))
        lead = Lead.objects.get(pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "intake/review/lead_merges.html", {"lead": lead, "merges": merges})
