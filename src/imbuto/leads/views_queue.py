"""The unassigned queue: leads intake created with no owner, which admins and managers take or assign
until routing (a later issue) does it. Every owner change goes through leads.assignment.lead_assign."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core import permissions
from imbuto.core.errors import DomainError, NotFound
from imbuto.core.htmx import render_error
from imbuto.users.models import User

from . import selectors
from .assignment import assignable_users, lead_assign

QUEUE_SIZE = 100


def _refuse(request: HttpRequest) -> HttpResponse:
    permissions.audit_denial(request.user, "view", "leads.unassigned", None)
    return render_error(request, status=403,
                        message=_("Only administrators and sales managers work the unassigned queue."))


@login_required
@require_GET
def unassigned(request: HttpRequest) -> HttpResponse:
    if not permissions.can_work_unassigned_queue(request.user):
        return _refuse(request)
    leads = list(selectors.unassigned_leads(request.user)[:QUEUE_SIZE + 1])
    context = {"leads": leads[:QUEUE_SIZE], "more": len(leads) > QUEUE_SIZE,
               "users": list(assignable_users(request.user).order_by("first_name", "username"))}
    return render(request, "leads/unassigned.html", context)


@login_required
@require_POST
def lead_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a lead ("me") or give it to someone the assignment rule allows; back to the queue."""
    try:
        lead = selectors.lead_get(request.user, pk, "change")
    except NotFound as exc:
        raise Http404(exc.message) from exc
    wanted = request.POST.get("owner", "")
    owner = request.user if wanted == "me" else User.objects.filter(
        pk=int(wanted) if wanted.isdigit() else 0, is_active=True).first()
    if owner is None:
        messages.error(request, _("Choose who takes the lead."))
    else:
        try:
            lead_assign(actor=request.user, lead=lead, owner=owner)
        except DomainError as exc:
            return render_error(request, exc, status=exc.status)
        messages.success(request, _("%(lead)s assigned to %(owner)s.") % {"lead": lead, "owner": owner})
    if request.POST.get("next") == "detail" and permissions.can(request.user, "view", lead):
        return redirect("leads:detail", pk=lead.pk)
    return redirect("leads:unassigned")
