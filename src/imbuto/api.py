"""The one django-ninja API object under /api/v1. Apps contribute routers; errors share one shape:

    {"error": {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}}
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import ninja
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from imbuto.core import jsonbody
from imbuto.core.errors import DomainError, PermissionDenied, from_django_validation
from imbuto.core.middleware import STATUS_CODES, error_payload, too_big_response

logger = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
# The error answers every operation may give, documented once for the whole API.
DOCUMENTED_ERRORS = {
    "400": "Malformed request (for example a body that is not valid JSON).",
    "401": "Missing, unknown, expired or revoked credentials.",
    "403": "Authenticated, but not allowed to do this (or a failed CSRF check).",
    "404": "No such object, or not visible to you.",
    "409": "Refused by the current state (for example an illegal lifecycle transition).",
    "413": "Request body over the size limit.",
    "415": "Request body is not JSON.",
    "422": "Invalid input; `fields` names each offending field.",
    "429": "Too many requests (for example repeated invalid tokens from one address); see Retry-After.",
}

DESCRIPTION = """
Imbuto's REST API: leads and their lifecycle, accounts, contacts, campaigns, channels, users and teams.

**Authentication.** Send `Authorization: Bearer <token>` (create one with `imbuto token USERNAME`;
tokens are stored hashed and can be revoked), or use the browser session of a logged-in user
(unsafe methods then need the `X-CSRFToken` header). In these docs: *Authorize* and paste a token,
or just log in to Imbuto in the same browser.

**Permissions.** What you see follows your role: an admin sees everything, a sales manager the
leads of their team, a sales rep the leads they own, a marketer every lead (changing only those
before SQL). A lead outside your scope answers 404; one you may see but not change answers 403.

**Errors.** Every 4xx has one shape:
`{"error": {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}}`.

**Paging.** Lists answer `{"items": [...], "next_cursor": "..."}`; pass `cursor=<next_cursor>` to
get the next page, until `next_cursor` is null.
"""


class BearerToken(HttpBearer):
    """`Authorization: Bearer imb_...`; tokens are stored hashed and can be revoked."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from imbuto.users import throttle
        from imbuto.users.services import token_authenticate

        if wait := throttle.token_blocked(request):
            raise TokenThrottled(wait)
        user = token_authenticate(token.strip())
        if user is not None:
            request.user = user
        else:
            throttle.token_failed(request)
        return user


class TokenThrottled(Exception):
    """Too many bad bearer tokens from one address (users.throttle): 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("throttled")
        self.retry_after = retry_after


class SessionAuth(APIKeyCookie):
    """The browser session of a logged-in, active user, with CSRF enforced on unsafe methods.

    A request that carries an Authorization header is judged by it alone, so a bad token is a 401
    even from a browser that also holds a session.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        if request.headers.get("Authorization"):
            return None
        user = self.authenticate(request, None)
        if user is None:
            return None
        if (self.csrf and request.method not in SAFE_METHODS
                and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request)):
            raise PermissionDenied(_("CSRF check failed: send the X-CSRFToken header with the session."),
                                   code="csrf_failed")
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class BoundedJsonParser(Parser):
    """Request bodies through jsonbody.loads: nesting is bounded before the parser runs."""

    def parse_body(self, request: HttpRequest) -> Any:
        return jsonbody.loads(request.body)


class ImbutoAPI(NinjaAPI):
    # operationIds name the module that serves them; a renamed app keeps its published ids, so that
    # generated clients keep working (core.legacy carries the database over the same way).
    RENAMED_MODULES = {"imbuto_users_": "imbuto_accounts_"}

    def get_openapi_operation_id(self, operation: Any) -> str:
        operation_id = str(super().get_openapi_operation_id(operation))
        for new, old in self.RENAMED_MODULES.items():
            if operation_id.startswith(new):
                return old + operation_id[len(new):]
        return operation_id

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        """Document the shared error shape and the error answers of every operation."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in DOCUMENTED_ERRORS.items():
                    responses.setdefault(status, {
                        "description": text,
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}},
                    })
        return schema


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "examples": ["validation_error"]},
                "message": {"type": "string"},
                "fields": {"type": "object",
                           "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}

NINJA_ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
DOCS_ASSETS = {"swagger-ui.css": "text/css", "swagger-ui-bundle.js": "text/javascript",
               "swagger-ui-init.js": "text/javascript", "favicon.svg": "image/svg+xml"}
DOCS_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="{assets}swagger-ui.css"><link rel="icon" href="{assets}favicon.svg"></head>
<body data-csrf-token="{csrf}" data-api-csrf="true">
<script type="application/json" id="swagger-settings">{settings}</script>
<div id="swagger-ui"></div>
<script src="{assets}swagger-ui-bundle.js"></script><script src="{assets}swagger-ui-init.js"></script>
</body></html>"""


class LocalSwagger(Swagger):
    """Swagger UI served by Imbuto itself, not a CDN (self-hosted, works offline), sending the CSRF
    token so that a logged-in browser can try the unsafe methods with its session."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        html = format_html(DOCS_PAGE, title=api.title, csrf=get_token(request),
                           assets=request.path.rstrip("/") + "/assets/",
                           settings=mark_safe(json.dumps(self.settings).replace("<", "\\u003c")))  # noqa: S308
        return HttpResponse(html)


api = ImbutoAPI(
    title="Imbuto API",
    version="1",
    description=DESCRIPTION.strip(),
    auth=[BearerToken(), SessionAuth()],
    parser=BoundedJsonParser(),
    urls_namespace="api",
    docs=LocalSwagger(settings={"persistAuthorization": True, "displayRequestDuration": True}),
)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False)
def docs_asset(request: HttpRequest, name: str) -> HttpResponse:
    """The Swagger UI files shipped with django-ninja."""
    if name not in DOCS_ASSETS:
        raise Http404(name)
    response = FileResponse((NINJA_ASSETS / name).open("rb"), content_type=DOCS_ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


def error_response(request: HttpRequest, status: int, code: str, message: str,
                   fields: dict[str, list[str]] | None = None) -> HttpResponse:
    return api.create_response(request, error_payload(code, message, fields), status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.fields)


PYDANTIC_TYPE_TAGS = {"int", "str", "float", "bool", "date", "datetime", "decimal", "list", "dict", "none"}


def _field_name(loc: Any) -> str:
    """("body", "payload", "campaign", "constrained-int") -> "campaign"; nested -> "leads.3.email".

    The location starts with the source (body, query, path...) and, for a body, the view's parameter
    name; pydantic adds the branch of a union (int | str). The client only needs the field.
    """
    loc = list(loc)
    loc = loc[2:] if loc[:1] == ["body"] else loc[1:]
    parts: list[str] = []
    for part in loc:
        text = str(part)
        if not (isinstance(part, int) or text.isidentifier()) or text in PYDANTIC_TYPE_TAGS and parts:
            break
        parts.append(text)
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        msg = str(err.get("msg", _("Invalid value."))).removeprefix("Value error, ")
        messages = fields.setdefault(_field_name(err.get("loc", ())), [])
        if msg not in messages:
            messages.append(msg)
    first = next(iter(fields))
    return error_response(request, 422, "validation_error",
                          _("The request is not valid: %(field)s: %(msg)s")
                          % {"field": first, "msg": fields[first][0]}, fields)


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    err = from_django_validation(exc)
    return error_response(request, 422, err.code, err.message, err.fields)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthorized",
        _("Authentication required: send 'Authorization: Bearer <token>' with a valid, unrevoked "
          "token, or log in."))
    response["WWW-Authenticate"] = 'Bearer realm="imbuto"'
    return response


@api.exception_handler(TokenThrottled)
def _token_throttled(request: HttpRequest, exc: TokenThrottled) -> HttpResponse:
    from imbuto.users.throttle import token_throttled_message

    response = error_response(request, 429, "throttled", token_throttled_message())
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    code = STATUS_CODES.get(exc.status_code, "http_error")
    if exc.status_code == 400 and isinstance(exc.__cause__, jsonbody.JsonTooDeep):
        code = "json_too_deep"
        message = _("The request body nests arrays and objects more than %(limit)d levels deep "
                    "(or its brackets do not pair up).") % {"limit": exc.__cause__.limit}
    elif exc.status_code == 400 and message.startswith("Cannot parse request body"):
        code, message = "malformed_json", _("The request body is not valid JSON.")
    return error_response(request, exc.status_code, code, message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return too_big_response()


@api.exception_handler(DataError)
def _data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refused (out of range, NUL byte): the client's input, not our crash."""
    logger.warning("DataError on %s: %s", request.path, exc)
    return error_response(request, 422, "invalid_data",
                          _("The database refused a value in this request."))


def _register_routers() -> None:
    """Mount the routers the installed apps registered in their ready() (core.registry.API_ROUTERS)."""
    from importlib import import_module

    from imbuto.core.registry import API_ROUTERS

    for entry in API_ROUTERS:
        api.add_router(entry.prefix, import_module(entry.module).router)


_register_routers()
