"""Sending a sequence email exactly once, as far as SMTP allows (docs/nurture.md, "Exactly once").

The message row exists before any attempt (engine.py writes it with its Message-ID). A send first
claims it with a compare-and-set (queued -> sending, with who claimed it and when), so two tasks never
send the same row; after the server accepts it the row says sent, and a retried task finds nothing to
claim. SMTP cannot be asked afterwards whether it accepted a Message-ID, so one window is left: a
worker that dies after the server accepted the DATA and before "sent" is written. We choose AT MOST
ONCE for it: a claim whose worker is gone (its process dead on this machine, or the claim older than
CLAIM_SECONDS) is never sent again but marked "uncertain", and the lead's owner is told, with the
Message-ID to look up. A refusal or an unreachable server is not that case: the claim is released
with a backoff and tried again, then marked failed (or bounced) and the owner told. Nothing is
dropped without a row saying so and a person being told.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from imbuto.notifications.services import notify

from . import audience, codes, tracking
from .models import Enrolment, EnrolmentState, ExitReason, Message, MessageState

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 900  # longer than any SMTP conversation (timeouts are seconds)
BACKOFF_SECONDS = 60  # doubled on each try: 1, 2, 4, 8 ... minutes, at most a day


def claimant() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}"


def claim_is_dead(message: Message, now: dt.datetime) -> bool:
    """Its worker is gone: the process no longer exists on this machine, or the claim is too old."""
    if message.claimed_at is None or message.claimed_at < now - dt.timedelta(seconds=CLAIM_SECONDS):
        return True
    host, _sep, pid = message.claimed_by.rpartition(":")
    if host != socket.gethostname()[:80] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _claim(pk: int, now: dt.datetime) -> bool:
    return bool(Message.objects.filter(pk=pk, state=MessageState.QUEUED, next_attempt_at__lte=now).update(
        state=MessageState.SENDING, claimed_at=now, claimed_by=claimant()))


def _release(message: Message, state: str, **values: Any) -> None:
    Message.objects.filter(pk=message.pk, state=MessageState.SENDING).update(state=state, **values)


def email_for(message: Message) -> EmailMessage:
    body = message.body
    track = message.step.template.track if message.step.template else False
    unsubscribe = tracking.unsubscribe_url(message.pk)
    headers = {"Message-ID": message.message_id,
               "List-Unsubscribe": f"<{unsubscribe}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    if unsubscribe not in body:
        body += f"\n\n--\n{unsubscribe}\n"
    owner = message.lead.owner
    email = EmailMessage(message.subject, body, to=[message.to_email], headers=headers,
                         reply_to=[owner.email] if owner and owner.email else None)
    if track:  # a text body cannot hold a pixel: an HTML twin carries it
        from django.utils.html import escape, urlize

        html = urlize(escape(body)).replace("\n", "<br>\n")
        email = _with_html(email, f"{html}<img src=\"{tracking.open_url(message.pk)}\" width=\"1\" "
                                  "height=\"1\" alt=\"\">")
    return email


def _with_html(email: EmailMessage, html: str) -> EmailMessage:
    from django.core.mail import EmailMultiAlternatives

    multi = EmailMultiAlternatives(email.subject, email.body, to=email.to, headers=email.extra_headers,
                                   reply_to=email.reply_to)
    multi.attach_alternative(html, "text/html")
    return multi


def _over_domain_limit(message: Message, now: dt.datetime) -> dt.datetime | None:
    """When the recipient's domain had its share of mail in the window: when to try again."""
    limit = settings.IMBUTO_NURTURE_DOMAIN_LIMIT
    if not limit:
        return None
    since = now - dt.timedelta(seconds=settings.IMBUTO_NURTURE_DOMAIN_WINDOW)
    recent = Message.objects.filter(domain=message.domain).exclude(pk=message.pk).filter(
        Q(state=MessageState.SENT, sent_at__gt=since) | Q(state=MessageState.SENDING))
    if recent.count() < limit:
        return None
    oldest = (recent.filter(state=MessageState.SENT).order_by("sent_at")
              .values_list("sent_at", flat=True).first())
    return (oldest or now) + dt.timedelta(seconds=settings.IMBUTO_NURTURE_DOMAIN_WINDOW)


def deliver(message_id: int, now: dt.datetime | None = None) -> str:
    """Send one message if it is due and nobody else holds it; returns what became of it."""
    now = now or timezone.now()
    stale = Message.objects.filter(pk=message_id, state=MessageState.SENDING).first()
    if stale is not None:
        return mark_uncertain(stale, now) if claim_is_dead(stale, now) else "busy"
    if not _claim(message_id, now):
        return "not due"
    message = Message.objects.select_related("enrolment__sequence", "step__template", "lead__owner").get(
        pk=message_id)
    enrolment = message.enrolment
    if (enrolment.state == EnrolmentState.EXITED or audience.is_suppressed(message.to_email)
            or not audience.may_mail(message.lead)):
        _release(message, MessageState.CANCELLED, error="suppressed, no consent or enrolment ended")
        return "cancelled"
    later = _over_domain_limit(message, now)
    if later is not None:
        _release(message, MessageState.QUEUED, next_attempt_at=later, claimed_at=None, claimed_by="")
        return "throttled"
    attempts = message.attempts + 1
    try:
        email_for(message).send()
    except (OSError, smtplib.SMTPException) as exc:
        return _failed(message, exc, attempts, now)
    _release(message, MessageState.SENT, sent_at=timezone.now(), attempts=attempts, error="")
    return "sent"


def _refused(exc: Exception) -> bool:
    """The server refused the recipient for good (5xx): a bounce."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _failed(message: Message, exc: Exception, attempts: int, now: dt.datetime) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    logger.warning("nurture message %s: try %s failed: %s", message.pk, attempts, error)
    if attempts < settings.IMBUTO_NURTURE_MAX_ATTEMPTS:
        wait = min(BACKOFF_SECONDS * 2 ** (attempts - 1), 86_400)
        _release(message, MessageState.QUEUED, attempts=attempts, error=error, claimed_at=None, claimed_by="",
                 next_attempt_at=now + dt.timedelta(seconds=wait))
        return "retry"
    _release(message, MessageState.FAILED, attempts=attempts, error=error)
    from .services import address_suppress, enrolments_exit

    lead, sequence = message.lead, message.enrolment.sequence
    if _refused(exc):
        address_suppress(message.to_email, ExitReason.BOUNCED)
        _tell(message, codes.BOUNCED,
              {"email": message.to_email, "lead": str(lead), "sequence": sequence.name})
    else:
        enrolments_exit(Enrolment.objects.filter(pk=message.enrolment_id), ExitReason.FAILED, completed=True)
        _tell(message, codes.SEND_FAILED, {"subject": message.subject, "sequence": sequence.name,
                                           "lead": str(lead), "attempts": attempts, "error": error})
    return "failed"


def mark_uncertain(message: Message, now: dt.datetime) -> str:
    """A claim whose worker died: at most once, so not sent again; the owner is told."""
    if not Message.objects.filter(pk=message.pk, state=MessageState.SENDING,
                                  claimed_at=message.claimed_at).update(state=MessageState.UNCERTAIN):
        return "busy"
    lead = message.lead
    _tell(message, codes.UNCERTAIN, {"subject": message.subject, "lead": str(lead),
                                     "message_id": message.message_id})
    return "uncertain"


def _tell(message: Message, code: str, params: dict[str, Any]) -> None:
    lead = message.lead
    recipients = [lead.owner_id] if lead.owner_id else list(
        message.enrolment.sequence.__class__.objects.filter(pk=message.enrolment.sequence_id)
        .exclude(created_by=None).values_list("created_by", flat=True))
    if recipients:
        notify(recipients, code, params, link=reverse("leads:detail", args=[lead.pk]),
               key=f"{code}:{message.pk}")
    else:
        logger.error("nurture message %s: %s, and nobody to tell: %s", message.pk, code, params)


def due_messages(now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Queued messages due now, and claims whose worker may be gone (to be judged by `deliver`)."""
    now = now or timezone.now()
    return list(Message.objects.filter(Q(state=MessageState.QUEUED, next_attempt_at__lte=now)
                                       | Q(state=MessageState.SENDING))
                .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
