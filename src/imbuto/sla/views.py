"""Response-time pages: record a first contact (the lead page's panel), the per-rep report, and the
policy (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imbuto.core import permissions
from imbuto.core.errors import Conflict, DomainError, NotFound, PermissionDenied, apply_domain_error
from imbuto.users.models import User

from . import selectors, services
from .forms import PolicyForm
from .models import SlaPolicy


def _person(request: HttpRequest) -> User:
    """The signed-in user (the views are login_required; anything else is refused)."""
    if not isinstance(request.user, User):
        raise DjangoPermissionDenied
    return request.user


@login_required
@require_POST
def first_contact(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.first_contact_record(actor=_person(request), lead_id=pk, kind=request.POST.get("kind", ""),
                                      note=request.POST.get("note", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except (Conflict, DomainError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("First contact recorded."))
    return redirect("leads:detail", pk=pk)


@login_required
@require_GET
def reps(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "view", "sla.report"):
        raise DjangoPermissionDenied
    return render(request, "sla/reps.html", {"rows": selectors.rep_report(request.user),
                                             "is_admin": permissions.can(request.user, "change", SlaPolicy)})


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    if not permissions.can(request.user, "change", SlaPolicy):
        raise DjangoPermissionDenied
    current = services.policy_get()
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data.get(name) for name in services.POLICY_FIELDS}
            try:
                services.policy_set(actor=_person(request), values=values)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("Response-time policy saved."))
                return redirect("sla:policy")
        return render(request, "sla/policy.html", {"form": form}, status=422)
    return render(request, "sla/policy.html", {"form": form})
