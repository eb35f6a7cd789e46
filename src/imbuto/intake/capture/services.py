"""Writes of the capture channels: web form configuration and submissions, and the website chat
(visitor messages, the bot, a rep's takeover). Leads are created only through the intake pipeline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import Conflict, NotFound, ValidationFailed
from imbuto.core.types import Actor
from imbuto.leads.assignment import check_defaults
from imbuto.leads.models import Channel
from imbuto.users.models import User

from ..models import (
    ChatMessage,
    ChatSession,
    ChatSettings,
    ChatStatus,
    EngagementEvent,
    EngagementKind,
    SourceKind,
    WebForm,
)
from . import chatbot
from .forms import Submission, utm_from_url

log = logging.getLogger(__name__)

MAX_MESSAGE = 1000
WEBFORM_FIELDS = ("name", "channel", "campaign", "fields", "allowed_origins", "thank_you_url",
                  "consent_text", "min_fill_seconds", "rate_limit_per_ip", "rate_limit_per_form",
                  "is_active", "default_owner", "default_team")


# --- who may do what: the rules live in core.permissions ------------------------------------------

may_manage_forms = permissions.can_manage_forms
may_view_chats = permissions.can_view_chats
may_answer_chats = permissions.can_answer_chats
may_manage_chat_sites = permissions.can_manage_chat_sites


def _ingest(record: dict[str, Any], *, actor: Actor, source: Any, owner: Any = None,
            team_id: int | None = None) -> Any:
    from imbuto.intake.pipeline import ingest

    return ingest([record], actor=actor, source=source, owner=owner, team_id=team_id)[0]


def engagement_store(rows: list[EngagementEvent], *, actor: Actor) -> Any:
    from imbuto.intake.pipeline.engagement import engagement_store as store

    return store(rows, actor=actor)


def _source(**kwargs: Any) -> Any:
    from imbuto.intake.pipeline import SourceRef

    return SourceRef(**kwargs)


# --- web forms: configuration ----------------------------------------------------------------

def webform_save(*, actor: Actor, data: dict[str, Any], form: WebForm | None = None) -> WebForm:
    """Create (form=None) or change a web form; every changed setting goes to history."""
    permissions.require(actor, "change" if form else "create", form or WebForm)
    unknown = set(data) - set(WEBFORM_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown settings."), fields={k: [_("Unknown.")] for k in unknown})
    check_defaults(actor, data.get("default_owner"), data.get("default_team"))
    with transaction.atomic():
        obj = WebForm.objects.select_for_update().get(pk=form.pk) if form else WebForm(owner=actor)
        before = {k: getattr(obj, k) for k in WEBFORM_FIELDS} if form else {}
        for key, value in data.items():
            setattr(obj, key, value)
        obj.save()
        if form:
            changes = {k: (before[k], getattr(obj, k)) for k in data if before[k] != getattr(obj, k)}
            if changes:
                history.record(obj, actor=actor, action="updated", changes=changes)
        else:
            history.record(obj, actor=actor, action="created")
    return obj


def chat_settings() -> ChatSettings:
    return ChatSettings.objects.filter(pk=1).first() or ChatSettings(pk=1)


def chat_sites_save(*, actor: Actor, allowed_origins: str) -> ChatSettings:
    """Replace the list of sites that may show the chat (normalised origins, one per line)."""
    permissions.require(actor, "change", ChatSettings)
    with transaction.atomic():
        obj = ChatSettings.objects.select_for_update().get_or_create(pk=1)[0]
        before = obj.allowed_origins
        obj.allowed_origins = allowed_origins
        obj.updated_at = timezone.now()
        obj.save()
        if before != allowed_origins:
            history.record(obj, actor=actor, action="updated",
                           changes={"allowed_origins": (before, allowed_origins)})
    return obj


# --- web forms: submissions ------------------------------------------------------------------

@dataclass
class CaptureResult:
    ok: bool
    lead_id: int | None = None
    outcome: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def form_submit(*, webform: WebForm, submission: Submission) -> CaptureResult:
    """A checked public submission -> the intake pipeline (source kind form, reference the key),
    plus a form_submit engagement event with the page it came from."""
    record = dict(submission.record)
    meta = submission.meta
    for key, value in utm_from_url(meta.get("page_url", "")).items():
        record.setdefault(key, value)
    if meta.get("message"):
        record["message"] = meta["message"]
    source = _source(kind=SourceKind.FORM, channel=webform.channel.slug,
                     campaign_id=webform.campaign_id, reference=webform.key)
    with transaction.atomic():
        owner = webform.default_owner if webform.default_owner and webform.default_owner.is_active else None
        result = _ingest(record, actor=None, source=source, owner=owner, team_id=webform.default_team_id)
        if result.outcome == "rejected" or not result.lead_id:
            return CaptureResult(False, None, "rejected", result.errors)
        engagement_store([EngagementEvent(
            lead_id=result.lead_id, kind=EngagementKind.FORM_SUBMIT, channel_id=webform.channel_id,
            campaign_id=webform.campaign_id, content_ref=meta.get("page_url", "")[:300],
            properties={"form": webform.key, "form_name": webform.name, **meta},
        )], actor=None)
    return CaptureResult(True, result.lead_id, result.outcome)


# --- website chat: the visitor's side --------------------------------------------------------

def _bot(session: ChatSession, key: str, **values: str) -> ChatMessage:
    return ChatMessage(session=session, sender="bot", text=chatbot.say(key, session.language, **values))


def chat_start(*, page_url: str = "", language: str = "", ip_hash: str = "") -> ChatSession:
    """A new conversation; the bot greets and asks its first question."""
    lang = chatbot.language_of(language)
    turn = chatbot.start(lang)
    with transaction.atomic():
        session = ChatSession.objects.create(
            status=ChatStatus.BOT, bot_step=turn.step, answers=turn.answers, language=lang,
            page_url=(page_url or "")[:500], ip_hash=ip_hash,
        )
        ChatMessage.objects.bulk_create([ChatMessage(session=session, sender="bot", text=t)
                                         for t in turn.messages])
    return session


def _clean_text(text: Any) -> str:
    clean = str(text or "").replace("\x00", "").strip()
    if not clean:
        raise ValidationFailed(_("Write a message first."), fields={"text": [_("Required.")]})
    if len(clean) > MAX_MESSAGE:
        raise ValidationFailed(_("Messages are limited to %(n)d characters.") % {"n": MAX_MESSAGE},
                               fields={"text": [_("Too long.")]})
    return clean


def _locked(public_id: Any) -> ChatSession:
    try:
        return ChatSession.objects.select_for_update().get(public_id=public_id)
    except (ChatSession.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(_("No such conversation.")) from exc


def chat_visitor_message(*, public_id: Any, text: Any, value: Any = None) -> ChatSession:
    """The visitor writes. While the bot has the conversation it answers; when the bot has all it
    needs the lead is created, in the same transaction as the last answer."""
    text = _clean_text(text)
    with transaction.atomic():
        session = _locked(public_id)
        if session.status == ChatStatus.CLOSED:
            raise Conflict(_("This conversation has been closed."), code="chat_closed")
        messages = [ChatMessage(session=session, sender="visitor", text=text)]
        complete = False
        if session.status == ChatStatus.BOT:
            allowed = {q.value for q in chatbot.prompt(session.bot_step, session.answers, session.language)}
            turn = chatbot.advance(session.bot_step, session.answers, text, lang=session.language,
                                   value=value if value in allowed else None,
                                   region=getattr(settings, "IMBUTO_DEFAULT_REGION", "IT"))
            session.bot_step, session.answers, complete = turn.step, turn.answers, turn.complete
            messages += [ChatMessage(session=session, sender="bot", text=t) for t in turn.messages]
        ChatMessage.objects.bulk_create(messages)
        session.last_message_at = timezone.now()
        session.save(update_fields=["bot_step", "answers", "last_message_at"])
        if complete and session.lead_id is None:
            _chat_lead(session, actor=None)
    return session


def _chat_lead(session: ChatSession, *, actor: Actor, details: dict[str, Any] | None = None) -> CaptureResult:
    """Hand what the conversation collected (plus what a rep typed) to the intake pipeline and link
    the transcript."""
    answers = session.answers or {}
    record = chatbot.lead_record(answers, session.language)
    record.update({k: v for k, v in (details or {}).items() if k in CHAT_DETAILS and v})
    for key, value in utm_from_url(session.page_url).items():
        record.setdefault(key, value)
    if answers.get("need"):
        record["message"] = str(answers["need"])[:5000]
    if answers.get("consent"):
        record.update(consent_basis="consent", consent_at=timezone.now().isoformat(),
                      consent_channel="website-chat")
    source = _source(kind=SourceKind.CHAT, channel="website-chat", reference=str(session.public_id))
    result = _ingest(record, actor=actor, source=source)
    if result.outcome == "rejected" or not result.lead_id:
        log.info("chat %s: lead rejected: %s", session.public_id, result.errors)
        return CaptureResult(False, None, "rejected", result.errors)
    session.lead_id = result.lead_id
    session.save(update_fields=["lead"])
    engagement_store([EngagementEvent(
        lead_id=result.lead_id, kind=EngagementKind.CHAT_MESSAGE,
        channel=Channel.objects.filter(slug="website-chat").first(),
        content_ref=session.page_url[:300],
        properties={"chat_session": str(session.public_id), "need": str(answers.get("need", ""))[:500],
                    "purchase_timeframe": answers.get("purchase_timeframe", ""),
                    "messages": session.messages.count()},
    )], actor=actor)
    return CaptureResult(True, result.lead_id, result.outcome)


# --- website chat: the rep's side ------------------------------------------------------------

def _agent_name(actor: Actor) -> str:
    return (actor.get_short_name() or actor.get_username()) if actor else ""


def chat_take_over(*, actor: User, session: ChatSession) -> ChatSession:
    """The rep takes the conversation: the bot stops answering, the visitor is told who joined."""
    permissions.require(actor, "take_over", session)
    with transaction.atomic():
        session = _locked(session.public_id)
        if session.status == ChatStatus.CLOSED:
            raise Conflict(_("This conversation has been closed."), code="chat_closed")
        if session.agent_id == actor.pk and session.status == ChatStatus.HUMAN:
            return session
        if session.status == ChatStatus.HUMAN and permissions.role_of(actor) == "rep":
            raise Conflict(_("%(name)s is already answering this conversation.")
                           % {"name": session.agent}, code="chat_taken")
        before = (session.status, session.agent_id)
        session.status, session.agent = ChatStatus.HUMAN, actor
        session.last_message_at = timezone.now()
        session.save(update_fields=["status", "agent", "last_message_at"])
        _bot(session, "joined", name=_agent_name(actor)).save()
        history.record(session, actor=actor, action="chat_taken_over",
                       changes={"status": (before[0], session.status), "agent": (before[1], actor.pk)})
    return session


def chat_agent_message(*, actor: User, session: ChatSession, text: Any) -> ChatMessage:
    """A rep answers; only the rep who took the conversation over (or an admin/manager)."""
    permissions.require(actor, "answer", session)
    text = _clean_text(text)
    with transaction.atomic():
        session = _locked(session.public_id)
        if session.status != ChatStatus.HUMAN:
            raise Conflict(_("Take the conversation over before answering."), code="chat_not_taken")
        if session.agent_id != actor.pk and permissions.role_of(actor) == "rep":
            raise Conflict(_("Another colleague is answering this conversation."), code="chat_taken")
        message = ChatMessage.objects.create(session=session, sender="agent", agent=actor, text=text)
        session.last_message_at = message.at
        session.save(update_fields=["last_message_at"])
    return message


def chat_close(*, actor: User, session: ChatSession) -> ChatSession:
    permissions.require(actor, "close", session)
    with transaction.atomic():
        session = _locked(session.public_id)
        if session.status == ChatStatus.CLOSED:
            return session
        if (session.status == ChatStatus.HUMAN and session.agent_id != actor.pk
                and permissions.role_of(actor) == "rep"):
            raise Conflict(_("Another colleague is answering this conversation."), code="chat_taken")
        before = session.status
        session.status = ChatStatus.CLOSED
        session.save(update_fields=["status"])
        _bot(session, "closed").save()
        history.record(session, actor=actor, action="chat_closed", changes={"status": (before, "closed")})
    return session


CHAT_DETAILS = ("first_name", "last_name", "email", "phone", "company_name")


def chat_create_lead(*, actor: Actor, session: ChatSession, details: dict[str, Any] | None = None
                     ) -> CaptureResult:
    """A rep turns a conversation the bot did not finish into a lead, with what it collected and
    what the rep typed (`details`: name, email, phone, company the visitor gave in free text)."""
    permissions.require(actor, "create_lead", session)
    with transaction.atomic():
        session = _locked(session.public_id)
        if session.lead_id:
            return CaptureResult(True, session.lead_id, "linked")
        result = _chat_lead(session, actor=actor, details=details)
        if not result.ok:
            raise ValidationFailed(_("The conversation has no name, email, phone or company yet."),
                                   fields=result.errors)
        history.record(session, actor=actor, action="chat_lead_created", data={"lead": result.lead_id})
    return result
