"""The signed-in person's own pages: who they are, their API tokens, their password; and the
forgot-password pages for those not signed in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imbuto.core.errors import DomainError, apply_domain_error
from imbuto.core.models import AuditEvent

from .forms import ChangePasswordForm, ResetSetPasswordForm
from .models import ApiToken
from .reset import ForgotPasswordForm
from .services import token_issue, token_revoke
from .user_services import user_password_set


def _profile(request: HttpRequest, new_token: str = "", status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "users/profile.html",
                  {"tokens": tokens, "new_token": new_token}, status=status)


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Issue a token for oneself; its raw value is shown on this response only."""
    name = request.POST.get("name", "").strip()[:100] or "web"
    raw = token_issue(user=request.user, name=name, actor=request.user)
    messages.success(request, _("New API token created. Copy it now: it will not be shown again."))
    return _profile(request, new_token=raw, status=201)


@login_required
@require_POST
def token_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of one's own tokens; another person's token is not acknowledged to exist."""
    if not ApiToken.objects.filter(pk=pk, user=request.user).exists():
        raise Http404
    token_revoke(token_id=pk, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("users:profile")


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Everyone changes their own password with their current one; this session stays logged in,
    their other sessions end."""
    form = ChangePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_set(actor=request.user, user=request.user,
                              password=form.cleaned_data["password1"],
                              current=form.cleaned_data["current_password"])
        except DomainError as exc:
            apply_domain_error(form, exc, aliases={"password": "password1"})
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("users:profile")
    return render(request, "users/password_change.html", {"form": form},
                  status=422 if form.errors else 200)


class ForgotPasswordView(auth_views.PasswordResetView):
    """The same answer whether or not the address belongs to someone."""

    form_class = ForgotPasswordForm
    template_name = "users/password_forgot.html"
    success_url = reverse_lazy("users:password_reset_sent")


class ResetPasswordView(auth_views.PasswordResetConfirmView):
    """The link from the email: choose a password (Django checks the one-time token)."""

    form_class = ResetSetPasswordForm
    template_name = "users/password_reset_confirm.html"
    success_url = reverse_lazy("users:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        AuditEvent.objects.create(actor=form.user, action="password_reset_done",
                                  object_type="users.user", object_id=str(form.user.pk),
                                  ip=self.request.META.get("REMOTE_ADDR"))
        return response
