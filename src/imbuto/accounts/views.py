"""The signed-in person's own page: who they are, their role and team, and their API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import ApiToken
from .services import token_issue, token_revoke


def _profile(request: HttpRequest, new_token: str = "", status: int = 200) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "accounts/profile.html",
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
    return redirect("accounts:profile")
