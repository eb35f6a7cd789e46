"""Password guessing is slowed at both doors: the login page (django-axes) and the API's bearer tokens.

- Login: django-axes counts failures in the database (so every worker and process shares them) by
  username and by client address (core.net.client_ip); past IMBUTO_LOGIN_FAILURE_LIMIT the login
  page answers 429 with a translated message for IMBUTO_LOGIN_LOCKOUT_MINUTES, even to the right
  password, and the lockout is written to the audit table.
- API: unknown or revoked bearer tokens from one address are counted in the rate-limit cache; past
  TOKEN_FAILURES in TOKEN_WINDOW seconds that address gets 429 (the API's error shape, Retry-After)
  before its tokens are looked at, and the first refusal of a window is audited.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from imbuto.core import ratelimit
from imbuto.core.models import AuditEvent
from imbuto.core.net import client_ip

log = logging.getLogger(__name__)


class LoginThrottleBackend(AxesStandaloneBackend):
    """axes' check, first in AUTHENTICATION_BACKENDS. A call without a request (the CLI, a script,
    Django's test client) has no address to throttle and is left to the next backend, instead of
    axes' AxesBackendRequestParameterRequired."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

TOKEN_FAILURES = 20
TOKEN_WINDOW = 600


def lockout_message() -> str:
    minutes = settings.IMBUTO_LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed log-in attempts. Log-in is locked for %(minutes)d minute; try again later "
        "or ask an admin.",
        "Too many failed log-in attempts. Log-in is locked for %(minutes)d minutes; try again later "
        "or ask an admin.", minutes) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: Any = None,
                     credentials: Any = None) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: the login page again, with the reason, as 429."""
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    response = render(request, "registration/login.html",
                      {"form": form, "locked_out": lockout_message(), "next": request.POST.get("next", "")},
                      status=429)
    response["Retry-After"] = str(settings.IMBUTO_LOGIN_LOCKOUT_MINUTES * 60)
    return response


def _audit(action: str, ip: str, **detail: Any) -> None:
    AuditEvent.objects.create(action=action, object_type="users.user", detail=detail,
                              ip=ip or None)


def _locked_out(sender: Any, request: HttpRequest, username: str | None = None,
                ip_address: str | None = None, **kwargs: Any) -> None:
    """axes signals every refused attempt; one audit row per lockout (per cool-off) is enough."""
    ip, name = ip_address or client_ip(request), (username or "")[:150]
    since = timezone.now() - timedelta(minutes=settings.IMBUTO_LOGIN_LOCKOUT_MINUTES)
    if AuditEvent.objects.filter(action="login_locked_out", ip=ip or None, detail__username=name,
                                 at__gte=since).exists():
        return
    log.warning("login locked out: username=%r", name)
    _audit("login_locked_out", ip, username=name)


def connect() -> None:
    """Subscribe to axes' lockout signal (called from UsersConfig.ready)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="imbuto.users.login_locked_out")


def _token_limit(ip: str) -> ratelimit.Limit:
    return ratelimit.Limit("bad-token", ip, TOKEN_FAILURES, TOKEN_WINDOW)


def token_blocked(request: HttpRequest) -> int:
    """Seconds to wait when this address has sent too many bad tokens lately, else 0.

    A refused request counts too (a client that keeps hammering stays refused); the first refusal
    of a window is audited, not every one."""
    ip = client_ip(request)
    limit = _token_limit(ip)
    seen = ratelimit.count(limit)
    if seen < limit.limit:
        return 0
    _allowed, retry = ratelimit.hit(limit)
    if seen == limit.limit:
        _audit("token_throttled", ip, path=request.path[:200])
    return retry


def token_failed(request: HttpRequest) -> None:
    """Count one bad token from this address."""
    ratelimit.hit(_token_limit(client_ip(request)))


def token_throttled_message() -> str:
    return _("Too many requests with an invalid token from your address. Wait and try again.")
