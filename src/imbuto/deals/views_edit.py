"""The deal page's edit form: name, amount, expected close, probability, owner and products, through
services.deal_update, the service PATCH /api/v1/deals/{id} calls. htmx swaps the form in place of
the deal's fields; without JavaScript it is a page of its own."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from imbuto.core import permissions
from imbuto.core.errors import Conflict, DomainError, NotFound, PermissionDenied, apply_domain_error
from imbuto.core.htmx import is_partial, render_error
from imbuto.users.models import User

from . import selectors, services
from .forms import DealEditForm, line_formset, lines_changed
from .models import Deal


@login_required
@require_http_methods(["GET", "POST"])
def deal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (htmx: the fragment that replaces the deal's fields). POST: the changed fields go
    to deal_update with the version the person saw; a deal changed meanwhile is a 409 with a clear
    message and the person's input kept, a refusal a 403, invalid input a 422."""
    try:
        deal = selectors.deal_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not permissions.can(request.user, "change", deal):
        return render_error(request, status=403, message=_("You may look at this deal but not change it."))
    data = request.POST if request.method == "POST" else None
    form = DealEditForm(data, user=request.user, deal=deal)
    lines = line_formset(data, user=request.user, deal=deal)
    status, stale = 200, False
    if request.method == "POST":
        status = 422
        if form.is_valid() and lines.is_valid():
            new_lines, actor = lines.lines(), cast(User, request.user)  # login_required
            try:
                services.deal_update(
                    actor=actor,
                    deal=deal,
                    values=form.changed_values(),
                    lines=new_lines if lines_changed(deal, new_lines) else None,
                    version=form.cleaned_data["version"],
                )
            except PermissionDenied as exc:
                return render_error(request, exc, status=403)
            except Conflict as exc:
                form.add_error(None, exc.message)
                status, stale = 409, True
            except DomainError as exc:
                apply_domain_error(form, exc)
                status = exc.status
            else:
                return _saved(request, deal)
    context = {"deal": deal, "form": form, "lines": lines, "stale": stale}
    name = "deals/deal_edit.html#edit-form" if is_partial(request) else "deals/deal_edit.html"
    return render(request, name, context, status=status)


def _saved(request: HttpRequest, deal: Deal) -> HttpResponse:
    """Back to the deal page (its history, badges and move form follow the new version)."""
    if permissions.can(request.user, "view", deal):
        messages.success(request, _("Changes saved."))
        url = reverse("deals:detail", args=[deal.pk])
    else:
        messages.success(request, _("Changes saved. The deal is no longer among those you see."))
        url = reverse("deals:list")
    if is_partial(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
