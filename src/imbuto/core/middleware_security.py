"""Cookies that say `Secure` whenever the request came over HTTPS.

Django's SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE are all-or-nothing: on, a plain-http install
(`make run` on 127.0.0.1) cannot log in; off, the cookies travel without the flag behind the TLS
proxy. This marks every cookie of a response Secure when `request.is_secure()`, which gunicorn makes
true for `X-Forwarded-Proto: https` from IMBUTO_FORWARDED_ALLOW_IPS (the documented proxy setup).
It must sit above the session, CSRF and messages middleware so it sees the cookies they set.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SecureCookiesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.is_secure():
            for morsel in response.cookies.values():
                morsel["secure"] = True
        return response
