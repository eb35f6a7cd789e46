"""Activities in the web UI: the quick log of the record panels (HTMX), complete and reopen, the
edit page with the activity's history, the .ics download of a meeting, and My day."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imbuto.core.errors import DomainError, NotFound, PermissionDenied, apply_domain_error
from imbuto.core.history import history_of
from imbuto.core.htmx import is_partial, render_error
from imbuto.users.models import User

from . import my_day, selectors, services
from .forms import ALIASES, EditForm, QuickLogForm
from .ics import ics_response
from .models import Kind
from .templatetags.activities import panel_context, record_url

RECORD_KINDS = ("lead", "contact", "account", "deal")


def _person(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise DjangoPermissionDenied
    return request.user


def _activity(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.activity_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def log(request: HttpRequest) -> HttpResponse:
    """The quick log of a record's panel: the panel again (HTMX) or back to the record's page."""
    user = _person(request)
    record_kind = request.POST.get("record_kind", "")
    record_id = request.POST.get("record_id", "")
    if record_kind not in RECORD_KINDS or not (record_id.isascii() and record_id.isdigit()
                                               and len(record_id) <= 18):
        raise Http404
    try:
        record = services.records_resolve(user, {record_kind: int(record_id)})[record_kind]
    except DomainError as exc:
        raise Http404(exc.message) from exc
    form = QuickLogForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            services.activity_create(actor=user, kind=form.cleaned_data["kind"],
                                     values={**form.values(), record_kind: record})
        except PermissionDenied as exc:
            return render_error(request, exc, status=403)
        except DomainError as exc:
            apply_domain_error(form, exc, ALIASES)
            status = 422
        else:
            if not is_partial(request):
                messages.success(request, _("Activity logged."))
                return redirect(record_url(record_kind, record))
            form = QuickLogForm()
    else:
        status = 422
    if not is_partial(request):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(record_url(record_kind, record))
    context = {"panel": panel_context(user, record_kind, record, form=form)}
    return render(request, "activities/panels/_panel.html", context, status=status)


def _item_or_back(request: HttpRequest, activity: Any) -> HttpResponse:
    if is_partial(request):
        selectors.mark_changeable(request.user, [activity])
        return render(request, "activities/_item.html", {"a": activity, "user": request.user})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "activities:my_day")


def _complete_or_reopen(request: HttpRequest, pk: int, reopen: bool) -> HttpResponse:
    user = _person(request)
    activity = _activity(request, pk)
    try:
        if reopen:
            activity = services.activity_reopen(actor=user, activity=activity)
        else:
            activity = services.activity_complete(actor=user, activity=activity)
    except PermissionDenied as exc:
        return render_error(request, exc, status=403)
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    return _item_or_back(request, selectors.activity_get(user, activity.pk))


@login_required
@require_POST
def done(request: HttpRequest, pk: int) -> HttpResponse:
    return _complete_or_reopen(request, pk, reopen=False)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _complete_or_reopen(request, pk, reopen=True)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an activity (its owner, those who manage them); everyone who sees it sees its history."""
    user = _person(request)
    activity = _activity(request, pk)
    from imbuto.core import permissions

    may_change = permissions.can(user, "change", activity)
    people = selectors.assignable_people(user)
    if activity.owner_id:
        people = people | User.objects.filter(pk=activity.owner_id)
    form = EditForm(request.POST or None, activity=activity, people=people.distinct())
    status = 200
    if request.method == "POST":
        if not may_change:
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                services.activity_update(actor=user, activity=activity, values=form.values())
            except PermissionDenied as exc:
                return render_error(request, exc, status=403)
            except DomainError as exc:
                apply_domain_error(form, exc, {**ALIASES, "occurred_at": "when", "due_at": "when"})
            else:
                messages.success(request, _("Activity saved."))
                return redirect("activities:edit", pk=activity.pk)
        status = 422
    context = {"activity": activity, "form": form, "may_change": may_change,
               "history": list(history_of(activity).order_by("-at", "-id")[:100])}
    return render(request, "activities/edit.html", context, status=status)


@login_required
@require_GET
def ics(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    if activity.kind != Kind.MEETING:
        raise Http404(_("Only meetings download as a calendar file."))
    return ics_response(activity, host=request.get_host().split(":")[0] or "imbuto",
                        url=request.build_absolute_uri(reverse("activities:edit", args=[activity.pk])))


@login_required
@require_GET
def my_day_view(request: HttpRequest) -> HttpResponse:
    """A person's day; a manager chooses someone of the team (`?person=<id>`)."""
    user = _person(request)
    raw = request.GET.get("person", "")
    person_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
    person = my_day.person_for(user, person_id)
    if person is None:
        raise Http404
    people = list(my_day.people(user).order_by("first_name", "last_name", "username"))
    day = my_day.day_of(user, person)
    selectors.mark_changeable(user, day.overdue + day.today)
    context = {"day": day, "people": people if len(people) > 1 else [],
               "person": person}
    return render(request, "activities/my_day.html", context)
