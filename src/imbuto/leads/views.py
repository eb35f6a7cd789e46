"""Lead pages: list, detail with timeline and lifecycle moves, create and edit.

Thin adapters: selectors read (already scoped), services write and decide; these views only parse
forms, map domain errors onto them and pick the full page or the htmx fragment.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imbuto.core import permissions
from imbuto.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from imbuto.core.htmx import is_partial, render_error, render_page_or_partial

from . import selectors, services
from .choices import Stage
from .extensions import CAPTURE_TYPED
from .forms import LeadFilterForm, LeadForm, TransitionForm, apply_domain_error
from .models import Lead
from .presenters import lead_groups
from .timeline import CHOICES, timeline_for
from .views_lists import list_tools_context

PAGE_SIZE = 50


def _lead(request: HttpRequest, pk: int, action: str = "view") -> Lead:
    """The lead if the user may see it; outside their scope it does not exist (404)."""
    try:
        return selectors.lead_get(request.user, pk, action)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def lead_list(request: HttpRequest) -> HttpResponse:
    """The lead list; an htmx request (search as you type, sort, next page) gets only the results."""
    form = LeadFilterForm(request.GET or None, user=request.user)
    params: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # invalid filters are shown on the form and left out
        params = form.params()
    items: list[Lead] = []
    next_cursor = previous_cursor = None
    total = 0
    ordering = params.get("ordering") or selectors.DEFAULT_ORDERING
    before = request.GET.get("before") or None
    try:
        page = selectors.lead_list(request.user, params, limit=PAGE_SIZE,
                                   cursor=before or request.GET.get("cursor") or None,
                                   backwards=bool(before))
        items, next_cursor, ordering = page.items, page.next_cursor, page.ordering
        previous_cursor = page.previous_cursor
        total = selectors.lead_count(request.user, params)
    except ValidationFailed as exc:
        apply_domain_error(form, exc)
    context = {
        "form": form, "leads": items, "next_cursor": next_cursor, "previous_cursor": previous_cursor,
        "ordering": ordering, "total": total,
        "is_later_page": bool(previous_cursor),
        "can_create": permissions.can_create_lead(request.user),
        **list_tools_context(request),
    }
    return render_page_or_partial(request, "leads/lead_list.html", context, partial="results")


def _detail_context(request: HttpRequest, lead: Lead, tform: TransitionForm | None = None) -> dict:
    # A merged lead is a record of the past: it is worked where it went, so no moves and no Edit.
    can_change = not lead.merged_into_id and permissions.can(request.user, "change", lead)
    options = services.stage_options(lead) if can_change else []
    return {
        "lead": lead,
        "merged_into": selectors.lead_ref(request.user, lead.merged_into_id),
        "groups": lead_groups(lead),
        "disposition": CHOICES["disposition_reason"].get(lead.disposition_reason, lead.disposition_reason),
        "can_change": can_change,
        "moves": [(s, label) for s, label in options if s not in (Stage.DISCARDED, Stage.PARKED)],
        "can_discard": any(s == Stage.DISCARDED for s, _l in options),
        "can_park": any(s == Stage.PARKED for s, _l in options),
        "tform": tform or TransitionForm(),
        "attempted": tform.data.get("to") if tform is not None and tform.is_bound else "",
        "timeline": timeline_for(lead, request.user),
    }


@login_required
@require_GET
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead(request, pk)
    return render(request, "leads/lead_detail.html", _detail_context(request, lead))


@login_required
@require_GET
def lead_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline panel alone, so other panels can refresh it after they change the lead."""
    lead = _lead(request, pk)
    return render(request, "leads/lead_detail.html#timeline", _detail_context(request, lead))


@login_required
@require_POST
def lead_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """One lifecycle move through lead_transition; illegal moves come back as inline errors."""
    lead = _lead(request, pk)
    tform = TransitionForm(request.POST)
    status = 422
    if tform.is_valid():
        try:
            lead = services.lead_transition(actor=request.user, lead=lead, to=tform.cleaned_data["to"],
                                            reason=tform.reason(), note=tform.typed_note(),
                                            parked_until=tform.parked_date())
        except PermissionDenied as exc:
            return render_error(request, exc, status=403)
        except (InvalidTransition, ValidationFailed) as exc:
            status = exc.status
            _explain(tform, exc, lead)
        else:
            messages.success(request, _("Moved to %(stage)s.") % {"stage": lead.get_stage_display()})
            if not is_partial(request):
                return redirect("leads:detail", pk=lead.pk)
            lead = _lead(request, pk)
            tform, status = None, 200
    context = _detail_context(request, lead, tform)
    if is_partial(request):
        return render(request, "leads/lead_transition_response.html", context, status=status)
    return render(request, "leads/lead_detail.html", context, status=status)


def _explain(tform: TransitionForm, exc: DomainError, lead: Lead) -> None:
    """An illegal move gets a translated sentence with the stage names; other errors as they come."""
    if isinstance(exc, InvalidTransition) and "to" in exc.fields:
        labels = dict(Stage.choices)
        target = tform.cleaned_data["to"]
        tform.add_error(None, _("A lead cannot move from %(from)s to %(to)s.") % {
            "from": labels.get(lead.stage, lead.stage), "to": labels.get(target, target)})
        return
    apply_domain_error(tform, exc, TransitionForm.ALIASES)


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_lead(request.user):
        permissions.audit_denial(request.user, "create", "leads.lead", None)
        return render_error(request, status=403, message=_("You may not create leads."))
    form = LeadForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # Typed-in leads go through the one intake path, as API, form and import records do
        # (provided by intake: leads.extensions).
        try:
            lead, outcome, _duplicate_of = CAPTURE_TYPED.func(actor=request.user, data=form.create_data())
        except PermissionDenied as exc:
            return render_error(request, exc, status=403)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            if not selectors.lead_ref(request.user, lead.pk).visible:
                # The person is someone else's lead (or was created for an owner outside the user's
                # scope): say so without naming or linking it.
                messages.info(request, _("This person is already a lead of another owner: what you "
                                         "typed was added to that lead.") if outcome == "merged" else
                              _("Lead created for an owner whose leads you do not see."))
                return redirect("leads:list")
            if outcome == "merged":
                messages.info(request, _("This person was already a lead: what you typed was merged "
                                         "into it."))
            elif outcome == "flagged":
                messages.warning(request, _("Lead created. It may be a duplicate of another lead: it is "
                                            "waiting in the duplicates review."))
            else:
                messages.success(request, _("Lead created."))
            return redirect("leads:detail", pk=lead.pk)
    status = 422 if form.errors else 200
    return render(request, "leads/lead_form.html", {"form": form, "lead": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        lead = _lead(request, pk, "change")
    except PermissionDenied as exc:
        return render_error(request, exc, status=403,
                            message=_("You may look at this lead but not change it."))
    if lead.merged_into_id:
        messages.info(request, _("This lead was merged into another one: it is changed there."))
        return redirect("leads:detail", pk=lead.pk)
    form = LeadForm(request.POST or None, user=request.user, lead=lead)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.lead_update(actor=request.user, lead=lead, values=form.update_values(),
                                         reason=request.POST.get("change_reason", "")[:500])
        except PermissionDenied as exc:
            return render_error(request, exc, status=403)
        except ValidationFailed as exc:
            apply_domain_error(form, exc)
        else:
            if not permissions.can(request.user, "view", saved):
                # Handed out of this user's sight: say so, and land where they can look.
                messages.success(request, _("Changes saved. %(lead)s is no longer among the leads "
                                            "you see.") % {"lead": saved})
                return redirect("leads:list")
            messages.success(request, _("Changes saved."))
            return redirect("leads:detail", pk=lead.pk)
    status = 422 if form.errors else 200
    return render(request, "leads/lead_form.html", {"form": form, "lead": lead}, status=status)

