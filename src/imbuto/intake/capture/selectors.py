"""Reads for the capture staff pages and the public chat endpoints."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core.errors import NotFound

from ..models import ChatMessage, ChatSession, ChatSettings, ChatStatus, LeadSource, SourceKind, WebForm
from . import cors, services

LIVE_FOR = dt.timedelta(hours=12)


def chat_allowed_origins() -> list[str]:
    """Sites that may show the chat: IMBUTO_CHAT_ALLOWED_ORIGINS and those an admin listed in the UI
    (one primary-key read: a change shows on the next poll, in every process)."""
    stored = ChatSettings.objects.filter(pk=1).values_list("allowed_origins", flat=True).first() or ""
    return list(dict.fromkeys(cors.parse_origins(getattr(settings, "IMBUTO_CHAT_ALLOWED_ORIGINS", []))
                              + cors.parse_origins(stored)))


def webforms(user: Any) -> list[WebForm]:
    """Every form with its number of accepted submissions (one grouped query for all forms)."""
    if not services.may_manage_forms(user):
        return []
    forms = list(WebForm.objects.select_related("channel", "campaign").order_by("name"))
    counts = dict(
        LeadSource.objects.filter(kind=SourceKind.FORM, reference__in=[f.key for f in forms])
        .values_list("reference").annotate(n=Count("id")).values_list("reference", "n")
    )
    for form in forms:
        form.submissions = counts.get(form.key, 0)  # type: ignore[attr-defined]  # shown by the list
    return forms


def webform(user: Any, pk: int) -> WebForm:
    if not services.may_manage_forms(user):
        raise NotFound(_("No such form."))
    try:
        return WebForm.objects.select_related("channel", "campaign").get(pk=pk)
    except WebForm.DoesNotExist as exc:
        raise NotFound(_("No such form.")) from exc


def public_webform(key: str) -> WebForm | None:
    return WebForm.objects.select_related("channel").filter(key=key, is_active=True).first()


def chat_sessions(user: Any, *, show: str = "live") -> QuerySet[ChatSession]:
    """Conversations for the staff Chats page: live ones (open, recent) first by last message."""
    if not services.may_view_chats(user):
        return ChatSession.objects.none()
    last = ChatMessage.objects.filter(session=OuterRef("pk")).order_by("-at", "-id")
    qs = ChatSession.objects.select_related("agent", "lead").annotate(
        last_text=Subquery(last.values("text")[:1]), last_sender=Subquery(last.values("sender")[:1]),
    )
    if show == "closed":
        return qs.filter(status=ChatStatus.CLOSED)[:200]
    if show == "all":
        return qs[:200]
    return qs.exclude(status=ChatStatus.CLOSED).filter(
        last_message_at__gte=timezone.now() - LIVE_FOR)[:200]


def chat_session(user: Any, public_id: Any) -> ChatSession:
    if not services.may_view_chats(user):
        raise NotFound(_("No such conversation."))
    try:
        return ChatSession.objects.select_related("agent", "lead").get(public_id=public_id)
    except (ChatSession.DoesNotExist, ValueError) as exc:
        raise NotFound(_("No such conversation.")) from exc


def visitor_session(public_id: Any) -> ChatSession:
    """The visitor's own conversation: knowing its random id is the visitor's only credential."""
    try:
        return ChatSession.objects.get(public_id=public_id)
    except (ChatSession.DoesNotExist, ValueError) as exc:
        raise NotFound(_("No such conversation.")) from exc


def messages_after(session: ChatSession, after: int = 0, *, limit: int = 200) -> list[ChatMessage]:
    return list(session.messages.filter(id__gt=after).select_related("agent").order_by("id")[:limit])
