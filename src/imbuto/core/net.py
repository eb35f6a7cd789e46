"""Who is on the other end of a request: the one answer every rate limit, throttle and audit uses.

`X-Forwarded-For` is a list the client starts and each proxy appends to, so only its last
IMBUTO_TRUSTED_PROXIES entries were written by proxies we run; anything to their left is whatever
the client sent. The client address is the entry the outermost trusted proxy wrote.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)


def _address(text: str) -> str | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [::1]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 1.2.3.4:port
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, or the direct peer's when there is no (trusted) proxy in between.

    A header with fewer entries than the configured proxies means a request that did not pass
    through all of them: the direct peer is used, so a forged header never picks the address.
    """
    peer = _address(str(request.META.get("REMOTE_ADDR") or "")) or ""
    proxies = int(getattr(settings, "IMBUTO_TRUSTED_PROXIES", 0) or 0)
    if proxies <= 0:
        return peer
    hops = [h for h in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    if len(hops) < proxies:
        return peer
    return _address(hops[-proxies]) or peer


# The address of the request being handled in this thread or task, for audit rows written deep in
# services that never see the request (core.apps fills AuditEvent.ip from it).
current_client_ip: ContextVar[str | None] = ContextVar("imbuto_client_ip", default=None)


class ClientAddressMiddleware:
    """Remember client_ip(request) for the duration of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    warned = False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not ClientAddressMiddleware.warned and request.META.get("HTTP_X_FORWARDED_FOR") and not getattr(
                settings, "IMBUTO_TRUSTED_PROXIES", 0):
            ClientAddressMiddleware.warned = True
            log.warning("Requests carry X-Forwarded-For but IMBUTO_TRUSTED_PROXIES is 0: behind a proxy "
                        "every visitor shares its address (rate limits, login lockout). Set it to the "
                        "number of proxies (docs/deployment.md).")
        token = current_client_ip.set(client_ip(request) or None)
        try:
            return self.get_response(request)
        finally:
            current_client_ip.reset(token)


def fill_audit_ip(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_save of AuditEvent: an audit row written during a request records who sent it."""
    if instance.ip is None and instance.pk is None:
        instance.ip = current_client_ip.get()
