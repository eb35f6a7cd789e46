"""One view, two answers: the full page for a normal request, a fragment for htmx (NetBox style).

A boosted request (hx-boost) navigates like a normal link, so it gets the full page too.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import DomainError


def is_partial(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment (not a boosted page navigation)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted


def render_page_or_partial(
    request: HttpRequest, template: str, context: dict[str, Any], *, partial: str,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only its `{% partialdef partial %}` for an htmx request."""
    name = f"{template}#{partial}" if is_partial(request) else template
    return render(request, name, context, status=status)


def render_error(request: HttpRequest, exc: DomainError | None = None, *, status: int = 403,
                 message: str = "") -> HttpResponse:
    """A clear error page; for htmx, an alert swapped into the page's flash area instead."""
    context = {"status": status, "detail": message or (exc.message if exc else "")}
    if is_partial(request):
        response = render(request, "partials/error_alert.html", context, status=status)
        response["HX-Retarget"] = "#flash"
        response["HX-Reswap"] = "innerHTML"
        return response
    template = {403: "403.html", 404: "404.html"}.get(status, "error.html")
    context.setdefault("title", _("Error"))
    return render(request, template, context, status=status)
