"""Website chat: the public JSON endpoints the widget calls cross-origin, the widget script, and the
staff pages where a rep watches live conversations and takes one over. Thin adapters."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from imbuto.core import jsonbody
from imbuto.core.errors import DomainError
from imbuto.core.htmx import is_partial, render_error, render_page_or_partial
from imbuto.leads.selectors import lead_ref, lead_refs

from .capture import chatbot, cors, selectors, services, spam
from .capture.staff_forms import ChatSitesForm
from .models import ChatSession, ChatStatus
from .views_public import serve_script

MAX_BODY = 16 * 1024


def _limit(scope: str, ident: str) -> spam.Limit:
    """(limit, window seconds) per scope from settings.IMBUTO_CHAT_RATE_LIMITS (environment)."""
    limit, window = settings.IMBUTO_CHAT_RATE_LIMITS[scope]
    return spam.Limit(f"chat-{scope}", ident, limit, window)


def _origins() -> list[str]:
    return selectors.chat_allowed_origins()


def _refused(request: HttpRequest) -> JsonResponse | None:
    """A page on a site not allowed to show the chat: 403 `origin_not_allowed`, readable by that page
    (its Origin is echoed on this answer only) so the widget says why and stops retrying."""
    origin = cors.refused_origin(request, _origins())
    if origin is None:
        return None
    response = JsonResponse({"error": {"code": "origin_not_allowed", "fields": {}, "message": _(
        "This website (%(origin)s) may not show the Imbuto chat. An Imbuto admin can allow it under "
        "Chats, Allowed sites.") % {"origin": origin[:200]}}}, status=403)
    response["Cache-Control"] = "no-store"
    return cors.apply(response, origin)


def _preflight(request: HttpRequest, methods: str) -> HttpResponse:
    """Any site's preflight passes, so that a refused site's page reads the 403 that says why; the
    request itself is refused (`_refused`), which is where the rule is kept."""
    return cors.preflight(request, ["*"], methods=methods)


def _json(request: HttpRequest, body: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    cors.apply(response, cors.allowed_origin(request, _origins()))
    return response


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    response = _json(request, {"error": {"code": code, "message": str(message), "fields": {}}}, status)
    for key, value in extra.items():
        response[key] = value
    return response


class BodyTooLarge(ValueError):
    """Over MAX_BODY: answered 413, as the public form does."""


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise BodyTooLarge
    if request.content_type in ("application/json", "text/plain"):
        data = jsonbody.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError("not an object")
        return data
    return {k: request.POST.get(k) for k in request.POST}


def _payload(session: ChatSession, after: int) -> dict[str, Any]:
    items = selectors.messages_after(session, after)
    return {
        "session": str(session.public_id),
        "status": session.status,
        "messages": [{"id": m.id, "sender": m.sender, "text": m.text, "at": m.at.isoformat(),
                      "name": (m.agent.get_short_name() or m.agent.get_username()) if m.agent else ""}
                     for m in items],
        "quick_replies": [{"label": q.label, "value": q.value}
                          for q in chatbot.prompt(session.bot_step, session.answers, session.language)]
        if session.status == ChatStatus.BOT else [],
    }


def _after(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def widget_script(request: HttpRequest) -> HttpResponse:
    return serve_script("chat.js")


def _rate_limited(request: HttpRequest, limits: list[spam.Limit]) -> JsonResponse | None:
    allowed, retry = spam.hit_all(limits)
    if allowed:
        return None
    return _error(request, 429, "rate_limited", _("Too many messages. Please wait a moment."),
                  **{"Retry-After": str(retry)})


@csrf_exempt
@require_http_methods(["POST", "OPTIONS"])
def chat_start(request: HttpRequest) -> HttpResponse:
    """POST {page_url, language} -> a new conversation with the bot's greeting (201)."""
    if request.method == "OPTIONS":
        return _preflight(request, "POST, OPTIONS")
    if refused := _refused(request):
        return refused
    try:
        data = _body(request)
    except BodyTooLarge:
        return _error(request, 413, "too_large", _("The message is too large."))
    except (ValueError, UnicodeDecodeError):
        return _error(request, 400, "bad_request", _("The request could not be read."))
    ident = spam.ip_hash(spam.client_ip(request))
    if limited := _rate_limited(request, [_limit("start_per_ip", ident)]):
        return limited
    language = str(data.get("language") or request.headers.get("Accept-Language", ""))[:20]
    page_url = str(data.get("page_url") or request.headers.get("Referer", ""))[:500]
    session = services.chat_start(page_url=page_url, language=language, ip_hash=ident)
    return _json(request, _payload(session, 0), status=201)


@csrf_exempt
@require_http_methods(["GET", "POST", "OPTIONS"])
def chat_messages(request: HttpRequest, public_id: str) -> HttpResponse:
    """GET ?after=<id>: new messages (the widget polls); POST {text, value, after}: the visitor
    writes and gets the bot's answer in the same response."""
    if request.method == "OPTIONS":
        return _preflight(request, "GET, POST, OPTIONS")
    if refused := _refused(request):
        return refused
    ident = spam.ip_hash(spam.client_ip(request))
    try:
        if request.method == "GET":
            if limited := _rate_limited(request, [_limit("poll_per_ip", ident)]):
                return limited
            session = selectors.visitor_session(public_id)
            return _json(request, _payload(session, _after(request.GET.get("after"))))
        try:
            data = _body(request)
        except BodyTooLarge:
            return _error(request, 413, "too_large", _("The message is too large."))
        except (ValueError, UnicodeDecodeError):
            return _error(request, 400, "bad_request", _("The request could not be read."))
        if limited := _rate_limited(request, [_limit("message_per_ip", ident),
                                              _limit("message_per_session", str(public_id)[:40])]):
            return limited
        session = services.chat_visitor_message(public_id=public_id, text=data.get("text"),
                                                value=data.get("value"))
        return _json(request, _payload(session, _after(data.get("after"))))
    except DomainError as exc:
        return _error(request, exc.status, exc.code, exc.message)


# --- staff pages -----------------------------------------------------------------------------

@login_required
def chat_list(request: HttpRequest) -> HttpResponse:
    if not services.may_view_chats(request.user):
        return render_error(request, status=403)
    show = request.GET.get("show") if request.GET.get("show") in ("live", "closed", "all") else "live"
    sessions = list(selectors.chat_sessions(request.user, show=show))
    refs = lead_refs(request.user, [s.lead_id for s in sessions], names=False)
    for session in sessions:  # a conversation links to its lead only for who may open that lead
        session.lead_ref = refs.get(session.lead_id)
    context = {"sessions": sessions, "show": show,
               "can_manage_sites": services.may_manage_chat_sites(request.user)}
    return render_page_or_partial(request, "intake/capture/chat_list.html", context, partial="sessions")


def _detail_context(request: HttpRequest, session: ChatSession) -> dict[str, Any]:
    transcript = list(session.messages.select_related("agent").order_by("id"))
    return {
        "session": session, "transcript": transcript,
        "last_id": transcript[-1].id if transcript else 0,
        "can_answer": services.may_answer_chats(request.user),
        "is_agent": session.agent_id == request.user.pk,
        "answers": session.answers or {},
        "lead_ref": lead_ref(request.user, session.lead_id),
    }


@login_required
def chat_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        session = selectors.chat_session(request.user, public_id)
    except DomainError as exc:
        return render_error(request, exc, status=404)
    if is_partial(request) and request.GET.get("since") is not None:
        # Polling: nothing new -> 204, so htmx keeps the page (and the rep's scroll position) as is.
        unchanged = (request.GET.get("status") == session.status
                     and not session.messages.filter(id__gt=_after(request.GET.get("since"))).exists())
        if unchanged:
            return HttpResponse(status=204)
    return render_page_or_partial(request, "intake/capture/chat_detail.html",
                                  _detail_context(request, session), partial="live")


def _staff_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    try:
        session = selectors.chat_session(request.user, public_id)
        if action == "take_over":
            session = services.chat_take_over(actor=request.user, session=session)
        elif action == "send":
            services.chat_agent_message(actor=request.user, session=session, text=request.POST.get("text"))
        elif action == "close":
            session = services.chat_close(actor=request.user, session=session)
        elif action == "lead":
            result = services.chat_create_lead(actor=request.user, session=session)
            ref = lead_ref(request.user, result.lead_id)
            if ref is not None and not ref.visible:
                messages.info(request, _("This person is already a lead in someone else's care: the "
                                         "conversation was added to that lead."))
            else:
                messages.success(request, _("Lead created from the conversation."))
                if not is_partial(request):
                    return redirect(reverse("leads:detail", args=[result.lead_id]))
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    if is_partial(request):
        session.refresh_from_db()
        return render_page_or_partial(request, "intake/capture/chat_detail.html",
                                      _detail_context(request, session), partial="live")
    return redirect("intake:chat_detail", public_id=session.public_id)


@login_required
@require_POST
def chat_take_over(request: HttpRequest, public_id: str) -> HttpResponse:
    return _staff_action(request, public_id, "take_over")


@login_required
@require_POST
def chat_send(request: HttpRequest, public_id: str) -> HttpResponse:
    return _staff_action(request, public_id, "send")


@login_required
@require_POST
def chat_close(request: HttpRequest, public_id: str) -> HttpResponse:
    return _staff_action(request, public_id, "close")



@login_required
@require_http_methods(["GET", "POST"])
def chat_sites(request: HttpRequest) -> HttpResponse:
    """Admins list the websites that may show the chat widget (as forms list theirs)."""
    if not services.may_manage_chat_sites(request.user):
        return render_error(request, status=403,
                            message=_("Only admins choose the sites that show the chat."))
    current = services.chat_settings()
    form = ChatSitesForm(request.POST or None, initial={"allowed_origins": current.allowed_origins})
    if request.method == "POST" and form.is_valid():
        services.chat_sites_save(actor=request.user, allowed_origins=form.cleaned_data["allowed_origins"])
        messages.success(request, _("Changes saved."))
        return redirect("intake:chat_sites")
    context = {
        "form": form,
        "from_environment": cors.parse_origins(getattr(settings, "IMBUTO_CHAT_ALLOWED_ORIGINS", [])),
        "script_url": request.build_absolute_uri(reverse("intake:chat_widget_js")),
    }
    return render(request, "intake/capture/chat_sites.html", context, status=422 if form.errors else 200)
