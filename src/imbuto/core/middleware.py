"""The edge of the JSON API: refuse bodies we will not read, and give every error the one shape.

Django answers some requests before django-ninja sees them (an unknown URL, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE, a crash) with HTML pages. Under /api/ a client expects JSON, so this
middleware turns those answers into `{"error": {"code", "message", "fields"}}` too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
BODY_METHODS = ("POST", "PUT", "PATCH")
# JSON is what the API speaks; form encodings are let through so that ninja Form/File endpoints
# work and `curl -d '{...}'` (which sends form-urlencoded) still reaches the JSON parser.
ACCEPTED_BODY_TYPES = ("application/json", "multipart/form-data", "application/x-www-form-urlencoded")

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "throttled",
}


def error_payload(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def error_json(status: int, code: str | None, message: str,
               fields: dict[str, list[str]] | None = None) -> JsonResponse:
    code = code or STATUS_CODES.get(status) or ("server_error" if status >= 500 else "error")
    return JsonResponse(error_payload(code, message, fields), status=status)


def too_big_response() -> JsonResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_json(413, "payload_too_large",
                      _("The request body is larger than the limit of %(limit)s bytes.") % {"limit": limit})


def _is_json_type(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json"))


def _declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class ApiEdgeMiddleware:
    """For /api/ paths: 413 for oversized bodies, 415 for non-JSON ones, JSON for every error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        refused = self.check_body(request)
        if refused is not None:
            return refused
        return self.shape_error(self.get_response(request))

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        """Bodies without a Content-Length are only found too big when read, inside the view."""
        if isinstance(exc, RequestDataTooBig) and request.path_info.startswith(API_PREFIX):
            return too_big_response()
        return None

    @staticmethod
    def check_body(request: HttpRequest) -> HttpResponse | None:
        if request.method not in BODY_METHODS:
            return None
        length = _declared_length(request)
        if length is None:
            return error_json(400, "bad_request", _("The Content-Length header is not a number."))
        if not request.META.get("CONTENT_LENGTH") and "chunked" in request.META.get(
                "HTTP_TRANSFER_ENCODING", "").lower():
            # Under WSGI Django reads a body only up to Content-Length: a chunked one would be
            # silently taken as empty.
            return error_json(411, "length_required",
                              _("Send the body with a Content-Length header; chunked uploads are not "
                                "supported."))
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_big_response()
        has_body = length > 0
        content_type = (request.content_type or "").lower()
        if has_body and not (_is_json_type(content_type) or content_type in ACCEPTED_BODY_TYPES):
            return error_json(
                415, "unsupported_media_type",
                _("Send the request body as JSON with 'Content-Type: application/json'."),
                {"content-type": [_("%(type)s is not accepted.") % {"type": content_type or "none"}]},
            )
        return None

    @staticmethod
    def shape_error(response: HttpResponse) -> HttpResponse:
        """Errors that did not come from the API itself (unknown URL, 405, crash) become JSON."""
        status = response.status_code
        if status < 400 or response.get("Content-Type", "").startswith("application/json"):
            return response
        if status >= 500 and settings.DEBUG:
            return response  # keep Django's technical page for developers
        if status == 404:
            message = _("There is no such endpoint. The API is described at /api/v1/docs.")
        elif status == 405:
            message = _("This endpoint does not accept that method.")
        elif status >= 500:
            message = _("The server failed to handle this request; it has been logged.")
        else:
            message = response.reason_phrase
        shaped = error_json(status, None, message)
        if allow := response.get("Allow"):
            shaped["Allow"] = allow
        return shaped
