"""Public nurturing pages, reached from the email itself (no login): the one-click unsubscribe page
(GET shows it, POST unsubscribes: the page's button and RFC 8058's List-Unsubscribe-Post alike), the
open pixel and the click redirect. Every token is signed (tracking.py); a forged one is a 404."""

from __future__ import annotations

import base64

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from . import tracking
from .models import ExitReason, Message
from .services import address_suppress

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


@csrf_exempt  # a mail client's one-click POST (RFC 8058) carries no CSRF token; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    pk = tracking.message_of(token, tracking.UNSUBSCRIBE)
    message = Message.objects.select_related("lead").filter(pk=pk).first() if pk else None
    if message is None:
        raise Http404
    # the person's language if the lead has one, else their browser's (LocaleMiddleware)
    language = message.lead.language
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language() or settings.LANGUAGE_CODE
    done = False
    if request.method == "POST":
        address_suppress(message.to_email, ExitReason.UNSUBSCRIBED)
        done = True
    with translation.override(language):
        response = render(request, "nurture/unsubscribe.html", {
            "done": done, "email": message.to_email, "lang": language})
    return response


@require_GET
def opened(request: HttpRequest, token: str) -> HttpResponse:
    pk = tracking.message_of(token, tracking.OPEN)
    if pk is not None:
        tracking.engagement_record(pk, "email_open")
    response = HttpResponse(PIXEL, content_type="image/gif")
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def clicked(request: HttpRequest, token: str) -> HttpResponse:
    found = tracking.click_of(token)
    if found is None:
        raise Http404
    pk, target = found
    tracking.engagement_record(pk, "email_click")
    return HttpResponseRedirect(target)
