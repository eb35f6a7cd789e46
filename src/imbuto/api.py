"""The one django-ninja API object under /api/v1. Apps contribute routers; errors share one shape:

    {"error": {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}}
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from imbuto.core.errors import DomainError


class BearerToken(HttpBearer):
    """`Authorization: Bearer imb_...`; tokens are stored hashed and can be revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from imbuto.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with CSRF enforced on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


api = NinjaAPI(
    title="Imbuto API",
    version="1",
    description="Sales lead management: leads, lifecycle, accounts, contacts, campaigns.",
    auth=[BearerToken(), SessionAuth()],
    urls_namespace="api",
)


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "__all__", []).append(err.get("msg", "Invalid value."))
    return error_response(request, 422, "validation_error", "The request is not valid.", fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthorized",
                          "Authentication required: send 'Authorization: Bearer <token>'.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


def _register_routers() -> None:
    """Each domain app exposes `router` in its api module."""
    from importlib import import_module

    for path, module in [
        ("/", "imbuto.leads.api"),
        ("/", "imbuto.accounts.api"),
        ("/", "imbuto.intake.api"),
    ]:
        try:
            mod = import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        api.add_router(path, mod.router)


_register_routers()
