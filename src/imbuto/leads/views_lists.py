"""The lead list's tools: export (CSV, XLSX), bulk actions, saved views; and the account and
contact exports. Thin adapters over leads.export, leads.bulk and leads.saved_views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from imbuto.core.errors import DomainError, ValidationFailed
from imbuto.core.htmx import render_error

from . import bulk, export, saved_views
from .forms import LeadFilterForm
from .forms_bulk import BulkForm
from .views_accounts import customer_choice

REFUSALS_SHOWN = 5


def _filters(request: HttpRequest, query: QueryDict | None = None) -> dict[str, Any]:
    """The list's valid filters from a query string (invalid ones are left out, as the list does)."""
    form = LeadFilterForm(query if query is not None else request.GET, user=request.user)
    form.is_valid()
    return form.params()


def list_tools_context(request: HttpRequest) -> dict[str, Any]:
    return {"bulk_form": BulkForm(user=request.user), "saved_views": saved_views.saved_views(request.user)}


def _download(request: HttpRequest, make: Any) -> HttpResponse:
    try:
        return export.response(make(), request.GET.get("format", "csv"))
    except ValidationFailed as exc:
        return render_error(request, exc, status=422)


@login_required
@require_GET
def lead_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a file; the same filters and order as on screen."""
    return _download(request, lambda: export.lead_export(request.user, _filters(request)))


@login_required
@require_GET
def account_export(request: HttpRequest) -> HttpResponse:
    is_customer = customer_choice(request.GET.get("is_customer"))
    return _download(request, lambda: export.account_export(request.user, request.GET.get("search") or None,
                                                            is_customer))


@login_required
@require_GET
def contact_export(request: HttpRequest) -> HttpResponse:
    return _download(request, lambda: export.contact_export(request.user, request.GET.get("search") or None))


def _back(query: str) -> HttpResponse:
    return redirect(reverse("leads:list") + (f"?{query}" if query else ""))


@login_required
@require_POST
def lead_bulk(request: HttpRequest) -> HttpResponse:
    """A bulk action on the ticked rows or on every lead matching the list's filters; back to the
    list with a summary of what was done and what was refused (and why)."""
    form = BulkForm(request.POST, user=request.user)
    query = saved_views.clean_query(request.POST.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return _back(query)
    try:
        if form.cleaned_data["all_matching"]:
            leads, missing = bulk.bulk_selection(request.user, filters=_filters(request, QueryDict(query)))
        else:
            leads, missing = bulk.bulk_selection(request.user, ids=form.cleaned_data["ids"])
        outcomes = bulk.leads_bulk(actor=request.user, leads=leads, **form.action_options())
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(query)
    _summarise(request, bulk.Summary(form.cleaned_data["action"], outcomes), len(missing))
    return _back(query)


def _summarise(request: HttpRequest, summary: bulk.Summary, missing: int) -> None:
    done, unchanged = summary.count(bulk.DONE), summary.count(bulk.UNCHANGED)
    refused = [o for o in summary.outcomes if o.status == bulk.REFUSED]
    missing += summary.count(bulk.NOT_FOUND)
    parts = [ngettext("%(n)s lead changed", "%(n)s leads changed", done) % {"n": done}]
    if unchanged:
        parts.append(ngettext("%(n)s already so", "%(n)s already so", unchanged) % {"n": unchanged})
    if refused:
        parts.append(ngettext("%(n)s refused", "%(n)s refused", len(refused)) % {"n": len(refused)})
    if missing:
        parts.append(ngettext("%(n)s not found", "%(n)s not found", missing) % {"n": missing})
    (messages.success if not refused else messages.warning)(request, "; ".join(parts) + ".")
    for outcome in refused[:REFUSALS_SHOWN]:
        messages.warning(request, _("Lead #%(id)s: %(why)s") % {"id": outcome.id, "why": outcome.message})


@login_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the current filters under a name (a view of one's own)."""
    query = request.POST.get("query", "")
    try:
        view = saved_views.saved_view_save(actor=request.user, name=request.POST.get("name", ""), query=query)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(saved_views.clean_query(query))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return _back(view.query)


@login_required
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_views.saved_view_delete(actor=request.user, view_id=pk)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    messages.success(request, _("View deleted."))
    return redirect("leads:list")
