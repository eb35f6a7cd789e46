"""CORS for the public endpoints: only configured origins get headers, others get none.

No credentials are ever allowed: the form and the chat are anonymous, and the chat session id
travels in the URL, not in a cookie.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

MAX_AGE = "600"


def normalise_origin(value: str) -> str:
    """'https://Example.com/' -> 'https://example.com'; '*' stays; junk -> ''."""
    value = (value or "").strip()
    if value == "*":
        return "*"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def parse_origins(text: str | Iterable[str]) -> list[str]:
    items = text.replace(",", "\n").splitlines() if isinstance(text, str) else list(text)
    return [o for o in (normalise_origin(i) for i in items) if o]


def allowed_origin(request: HttpRequest, origins: Iterable[str]) -> str | None:
    """The request's Origin if it is allowed, else None."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    origins = list(origins)
    norm = normalise_origin(origin)
    if norm and ("*" in origins or norm in origins):
        return origin
    return None


def refused_origin(request: HttpRequest, origins: Iterable[str]) -> str | None:
    """The Origin a browser sent from a site that is neither allowed nor Imbuto itself, else None.

    Requests without an Origin (servers, curl, same-origin GETs) are not a site's page: not refused."""
    origin = request.headers.get("Origin")
    if not origin or allowed_origin(request, origins):
        return None
    if urlsplit(normalise_origin(origin)).netloc == request.get_host().lower():
        return None
    return origin


def apply(response: HttpResponse, origin: str | None, *, methods: str = "GET, POST, OPTIONS",
          preflight: bool = False) -> HttpResponse:
    """Echo an allowed Origin; mark the answer as varying by Origin either way."""
    response["Vary"] = ", ".join(filter(None, [response.get("Vary"), "Origin"]))
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        if preflight:
            response["Access-Control-Allow-Methods"] = methods
            response["Access-Control-Allow-Headers"] = "Content-Type, Accept, X-Requested-With"
            response["Access-Control-Max-Age"] = MAX_AGE
    return response


def preflight(request: HttpRequest, origins: Iterable[str], *,
              methods: str = "GET, POST, OPTIONS") -> HttpResponse:
    return apply(HttpResponse(status=204), allowed_origin(request, origins), methods=methods,
                 preflight=True)
