"""The admin's Users and Teams pages: thin adapters over users.services and user_services.

Only admins reach them (core.permissions.can_manage_users); anyone else gets the 403 page and the
attempt is audited, the same answer whether or not the user or team exists.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from imbuto.core import permissions
from imbuto.core.errors import DomainError, apply_domain_error
from imbuto.core.history import history_of
from imbuto.core.htmx import render_error, render_page_or_partial

from . import user_services
from .forms import SetPasswordForm, TeamForm, UserAddForm, UserFilterForm, UserForm, user_initial
from .models import Team, User
from .presenters import history_rows
from .services import user_add

PAGE_SIZE = 50
OPEN_LEADS_SHOWN = 50


def admin_only(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.can_manage_users(request.user):
            permissions.audit_denial(request.user, "manage", "users.user", kwargs.get("pk"),
                                     ip=request.META.get("REMOTE_ADDR"))
            return render_error(request, status=403,
                                message=_("Only administrators manage users and teams."))
        return view(request, *args, **kwargs)
    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _user(pk: int) -> User:
    user = User.objects.select_related("team").filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@require_http_methods(["GET"])
@admin_only
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    qs = User.objects.select_related("team")
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or "active"
    if status != "all":
        qs = qs.filter(is_active=status == "active")
    if word := (data.get("search") or "").strip():
        qs = qs.filter(Q(username__icontains=word) | Q(first_name__icontains=word)
                       | Q(last_name__icontains=word) | Q(email__icontains=word))
    if role := data.get("role"):
        qs = qs.filter(Q(role=role, is_superuser=False) | Q(is_superuser=True)) if role == "admin" \
            else qs.filter(role=role, is_superuser=False)
    if team := data.get("team"):
        qs = qs.filter(team=team)
    page = Paginator(qs.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_partial(request, "users/user_list.html",
                                  {"form": form, "page": page, "status": status}, partial="results")


@require_http_methods(["GET", "POST"])
@admin_only
def user_new(request: HttpRequest) -> HttpResponse:
    form = UserAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        mode = data["password_mode"]
        try:
            user = user_add(actor=request.user, username=data["username"], role=data["role"],
                            team=data["team"], email=data["email"], first_name=data["first_name"],
                            last_name=data["last_name"], language=data["language"],
                            password=data["password1"] if mode == "set" else None)
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"password": "password1"})
        else:
            messages.success(request, _("User %(name)s added.") % {"name": user.username})
            if mode == "email":
                _send_reset(request, user)
            return redirect("users:user_detail", pk=user.pk)
    return render(request, "users/user_form.html", {"form": form, "adding": True},
                  status=422 if form.errors else 200)


def _send_reset(request: HttpRequest, user: User) -> None:
    try:
        sent = user_services.user_password_reset(actor=request.user, user=user,
                                                 base_url=_base_url(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return
    if sent:
        messages.success(request, _("An email with a link to choose a password was sent to %(email)s.")
                         % {"email": user.email})
    else:
        messages.error(request, _("No email was sent: the user is deactivated or has no email address."))


def _detail(request: HttpRequest, user: User, form: UserForm | None = None,
            password_form: SetPasswordForm | None = None, status: int = 200) -> HttpResponse:
    open_leads = user_services.open_leads_of(user)
    context = {
        "person": user,
        "form": form or UserForm(initial=user_initial(user)),
        "password_form": password_form or SetPasswordForm(),
        "open_leads": open_leads[:OPEN_LEADS_SHOWN],
        "open_lead_count": open_leads.count(),
        "history": history_rows(history_of(user).order_by("-at", "-id")[:30]),
        "is_self": user.pk == request.user.pk,
    }
    return render(request, "users/user_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@admin_only
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(pk)
    if request.method == "GET":
        return _detail(request, user)
    form = UserForm(request.POST)
    if form.is_valid():
        try:
            user_services.user_update(actor=request.user, user=user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("users:user_detail", pk=user.pk)
    return _detail(request, user, form=form, status=422 if form.errors else 409)


@require_POST
@admin_only
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(pk)
    try:
        user_services.user_deactivate(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is deactivated: they can no longer log in, and their "
                                    "API tokens are revoked.") % {"name": user.username})
    return redirect("users:user_detail", pk=user.pk)


@require_POST
@admin_only
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_services.user_reactivate(actor=request.user, user=_user(pk))
    messages.success(request, _("%(name)s is active again.") % {"name": user.username})
    return redirect("users:user_detail", pk=user.pk)


@require_POST
@admin_only
def user_reset(request: HttpRequest, pk: int) -> HttpResponse:
    _send_reset(request, _user(pk))
    return redirect("users:user_detail", pk=pk)


@require_POST
@admin_only
def user_set_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(pk)
    if user.pk == request.user.pk:
        return redirect("users:password_change")
    form = SetPasswordForm(request.POST)
    if form.is_valid():
        try:
            user_services.user_password_set(actor=request.user, user=user,
                                            password=form.cleaned_data["password1"])
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"password": "password1"})
        else:
            messages.success(request, _("New password set for %(name)s.") % {"name": user.username})
            return redirect("users:user_detail", pk=user.pk)
    return _detail(request, user, password_form=form, status=422)


# ---- teams ---------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@admin_only
def team_list(request: HttpRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = user_services.team_create(actor=request.user, name=form.cleaned_data["name"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("users:team_list")
    teams = Team.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))).order_by("name")
    return render(request, "users/team_list.html", {"form": form, "teams": teams},
                  status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@admin_only
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise Http404
    form = TeamForm(request.POST or None, initial={"name": team.name})
    if request.method == "POST" and form.is_valid():
        try:
            user_services.team_update(actor=request.user, team=team, name=form.cleaned_data["name"])
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("users:team_detail", pk=team.pk)
    members = team.members.order_by("-is_active", "username")
    return render(request, "users/team_detail.html", {"team": team, "form": form, "members": members},
                  status=422 if form.errors else 200)
