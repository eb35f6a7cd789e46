"""Customer pages: the overview (scores, open problems, latest feedback) and the account page's forms
(feedback, problem, resolution, referral). The forms post here and return to the account page with a
message; the services decide and check again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imbuto.core.errors import DomainError, NotFound, PermissionDenied
from imbuto.users.models import User

from . import selectors, services
from .forms import FeedbackForm, ProblemForm, ReferralForm, ResolveForm
from .models import Problem, ProblemStatus

RECENT = 20


def _person(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise DjangoPermissionDenied
    return request.user


def _back(account_id: int, anchor: str) -> HttpResponse:
    return redirect(reverse("leads:account_detail", args=[account_id]) + f"#{anchor}")


def _first_error(form: Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Check the form.")


def _run(request: HttpRequest, work: Callable[[], Any], success: str) -> None:
    """Call a service; its refusal becomes a message (a denial a 403, a vanished object a 404)."""
    try:
        work()
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def _account_form(request: HttpRequest, pk: int, form_class: type[Any]) -> tuple[Any, Any]:
    try:
        account = selectors.account_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return account, form_class(request.POST, account=account, user=request.user)


@login_required
@require_POST
def feedback_create(request: HttpRequest, pk: int) -> HttpResponse:
    account, form = _account_form(request, pk, FeedbackForm)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        data = form.cleaned_data
        _run(request, lambda: services.feedback_record(
            actor=_person(request), account=account, score=data["score"], comment=data["comment"],
            contact=data["contact"], deal=data["deal"]), _("Feedback recorded."))
    return _back(account.pk, "customer-feedback")


@login_required
@require_POST
def problem_create(request: HttpRequest, pk: int) -> HttpResponse:
    account, form = _account_form(request, pk, ProblemForm)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        data = form.cleaned_data
        _run(request, lambda: services.problem_open(
            actor=_person(request), account=account, title=data["title"], description=data["description"],
            contact=data["contact"], deal=data["deal"]), _("Problem recorded."))
    return _back(account.pk, "customer-problems")


def _problem(request: HttpRequest, pk: int) -> Problem:
    try:
        return selectors.problem_get(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def problem_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
    else:
        _run(request, lambda: services.problem_resolve(
            actor=_person(request), problem=problem, resolution=form.cleaned_data["resolution"]),
            _("Problem resolved."))
    return _back(problem.account_id, "customer-problems")


@login_required
@require_POST
def problem_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    problem = _problem(request, pk)
    _run(request, lambda: services.problem_reopen(actor=_person(request), problem=problem),
         _("Problem reopened."))
    return _back(problem.account_id, "customer-problems")


@login_required
@require_POST
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    account, form = _account_form(request, pk, ReferralForm)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(account.pk, "customer-referrals")
    try:
        lead, outcome = services.referral_capture(
            actor=_person(request), account=account, contact=form.cleaned_data["contact"],
            person=form.person(), note=form.cleaned_data["note"])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(account.pk, "customer-referrals")
    if outcome == "merged":
        messages.success(request, _("Referral recorded on an existing lead: %(lead)s.") % {"lead": lead})
    else:
        messages.success(request, _("Referral recorded: %(lead)s is a new lead.") % {"lead": lead})
    return _back(account.pk, "customer-referrals")


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    feedback = selectors.visible_feedback(request.user)
    accounts = selectors.customer_accounts(request.user)
    context = {
        "accounts": list(accounts[:RECENT]),
        "account_count": accounts.count(),
        "summary": selectors.score_summary(feedback.values_list("score", flat=True)),
        "recent": list(feedback.order_by("-at", "-id")[:RECENT]),
        "problems": list(selectors.visible_problems(request.user).filter(status=ProblemStatus.OPEN)
                         .order_by("opened_at", "id")[:RECENT * 5]),
    }
    return render(request, "customers/overview.html", context)
