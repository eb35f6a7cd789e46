"""Nurturing pages: sequences (with steps and enrolments), templates, and enrolling or stopping a
lead from its page. The public pages (unsubscribe, open pixel, click redirect) are in views_public.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imbuto.core import permissions
from imbuto.core.errors import DomainError, NotFound, PermissionDenied, apply_domain_error
from imbuto.leads import selectors as lead_selectors

from . import selectors, services
from .forms import SequenceForm, StepForm, TemplateForm
from .models import EmailTemplate, Sequence

STEP_KEYS = ("kind", "template_id", "days", "task_subject", "engagement", "jump_to")


def _may_author(request: HttpRequest) -> bool:
    return permissions.can(request.user, "change", Sequence)


@login_required
@require_http_methods(["GET", "POST"])
def sequence_list(request: HttpRequest) -> HttpResponse:
    form = SequenceForm(request.POST or None)
    if request.method == "POST":
        if not _may_author(request):
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                sequence = services.sequence_save(actor=request.user, values=form.cleaned_data)  # type: ignore[arg-type]
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Sequence created: add its steps."))
                return redirect("nurture:sequence", pk=sequence.pk)
    return render(request, "nurture/sequences.html", {
        "sequences": selectors.sequences(request.user), "form": form, "may_author": _may_author(request)},
        status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def sequence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        sequence = selectors.sequence_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = StepForm(request.POST or None)
    form.fields["template"].queryset = selectors.templates(request.user)  # type: ignore[attr-defined]
    if request.method == "POST":
        if not _may_author(request):
            raise DjangoPermissionDenied
        steps = [{k: getattr(s, k) for k in STEP_KEYS} for s in sequence.steps.all()]
        remove = request.POST.get("remove")
        valid = True
        if remove and remove.isdigit():
            steps = [s for i, s in enumerate(steps, start=1) if i != int(remove)]
        elif form.is_valid():
            steps.append(form.step())
        else:
            valid = False
        if valid:
            try:
                services.sequence_save(actor=request.user, values={}, steps=steps, sequence=sequence)  # type: ignore[arg-type]
            except DomainError as exc:
                said = [m for ms in exc.fields.values() for m in ms]
                messages.error(request, " ".join([exc.message, *said]))
            else:
                messages.success(request, _("Steps saved."))
            return redirect("nurture:sequence", pk=pk)
    enrolments = selectors.enrolments(request.user, sequence=pk).order_by("-id")[:200]
    locked = _may_author(request) and sequence.enrolments.exists()  # an author is told why not
    return render(request, "nurture/sequence_detail.html", {
        "sequence": sequence, "steps": sequence.steps.all(), "form": form, "enrolments": enrolments,
        "may_author": _may_author(request) and not locked, "locked": locked},
        status=422 if form.errors else 200)


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    return render(request, "nurture/templates.html", {
        "templates": selectors.templates(request.user), "may_author": _may_author(request)})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    template: EmailTemplate | None = None
    if pk is not None:
        try:
            template = selectors.template_get(request.user, pk)
        except NotFound as exc:
            raise Http404(exc.message) from exc
    if not _may_author(request):
        raise DjangoPermissionDenied
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.template_save(actor=request.user, values=form.cleaned_data,  # type: ignore[arg-type]
                                           template=template)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Template saved."))
            return redirect("nurture:template", pk=saved.pk)
    return render(request, "nurture/template_edit.html", {"form": form, "template": template},
                  status=422 if form.errors else 200)


def _lead_or_404(request: HttpRequest, pk: int) -> Any:
    try:
        return lead_selectors.lead_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def lead_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _lead_or_404(request, pk)
    sequence = selectors.sequences(request.user).filter(pk=request.POST.get("sequence") or 0).first() \
        if str(request.POST.get("sequence", "")).isdigit() else None
    if sequence is None:
        messages.error(request, _("Choose a sequence."))
        return redirect("leads:detail", pk=pk)
    try:
        services.lead_enrol(actor=request.user, sequence=sequence, lead=lead)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Enrolled in %(sequence)s.") % {"sequence": sequence.name})
    return redirect("leads:detail", pk=pk)


@login_required
@require_POST
def enrolment_stop(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        enrolment = services.enrolment_get(actor=request.user, enrolment_id=pk)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        services.enrolment_stop(actor=request.user, enrolment=enrolment)  # type: ignore[arg-type]
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Stopped."))
    nxt = request.POST.get("next", "")
    if nxt == "sequence":
        return redirect("nurture:sequence", pk=enrolment.sequence_id)
    return redirect("leads:detail", pk=enrolment.lead_id)
