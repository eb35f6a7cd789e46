"""Notifications by email: one message per notification, written in the recipient's language, sent
through Django's email framework (EMAIL_URL, core.email_url), at most once per notification.

Each email is claimed first (`email_state` "" -> "sending", a compare-and-set), so two tasks never
send the same one; after the server accepts it the row says "sent" and a retried task skips it. A
worker that dies between the server's acceptance and that write leaves a claim that expires after
CLAIM_SECONDS: then the email goes again, with the same Message-ID (receiving mail systems drop
such a duplicate). A server that refuses or cannot be reached puts the email back to "" for the
next try (`retry_emails`, every few minutes).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import selectors
from .models import EmailState, Notification

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 600
RETRY_WITHIN_HOURS = 24  # a notification whose email could not go for a day is not mailed any more
SUBJECT_CHARS = 120


class DeliveryFailed(Exception):  # noqa: N818 - names what happened
    """Some emails could not be sent now; they stay due and are tried again."""


def wants_email(user: Any) -> bool:
    """An active person with an address who did not switch email off."""
    return bool(user.is_active and user.email) and selectors.email_enabled(user)


def absolute(path: str) -> str:
    return settings.IMBUTO_BASE_URL.rstrip("/") + path if path.startswith("/") else path


def message_for(notification: Notification) -> EmailMessage:
    """The email in the recipient's language (their setting, else the instance's)."""
    user = notification.recipient
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = notification.text
        context = {"user": user, "text": text, "link": absolute(notification.link),
                   "settings_link": absolute(reverse("notifications:list"))}
        body = render_to_string("notifications/email/notification_body.txt", context)
        subject = f"Imbuto: {' '.join(text.split())}"
    if len(subject) > SUBJECT_CHARS:
        subject = subject[:SUBJECT_CHARS - 1] + "…"
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or "localhost"
    return EmailMessage(subject, body, to=[user.email],
                        headers={"Message-ID": f"<imbuto-notification-{notification.pk}@{domain}>"})


def _claim(pk: int, now: Any) -> bool:
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    return bool(Notification.objects.filter(pk=pk).filter(
        Q(email_state=EmailState.PENDING) | Q(email_state=EmailState.SENDING, email_at__lt=stale))
        .update(email_state=EmailState.SENDING, email_at=now))


def _mark(pk: int, state: str) -> None:
    Notification.objects.filter(pk=pk, email_state=EmailState.SENDING).update(
        email_state=state, email_at=timezone.now())


def deliver(notification_ids: Iterable[int]) -> dict[str, int]:
    """Send the due emails among these notifications; returns counts. Raises DeliveryFailed after
    trying them all when the mail server refused some (they stay due)."""
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    rows = (Notification.objects.filter(pk__in=list(notification_ids)).select_related("recipient")
            .order_by("pk"))
    for notification in rows:
        if not _claim(notification.pk, timezone.now()):
            continue  # sent, skipped, or being sent by another task
        if not wants_email(notification.recipient):
            _mark(notification.pk, EmailState.SKIPPED)
            counts["skipped"] += 1
            continue
        try:
            message_for(notification).send()
        except (OSError, smtplib.SMTPException) as exc:
            Notification.objects.filter(pk=notification.pk).update(email_state=EmailState.PENDING)
            logger.warning("email of notification %s failed: %s", notification.pk, exc)
            counts["failed"] += 1
            continue
        _mark(notification.pk, EmailState.SENT)
        counts["sent"] += 1
    if counts["failed"]:
        raise DeliveryFailed(f"{counts['failed']} email(s) could not be sent; they will be tried again "
                             f"({counts['sent']} sent)")
    return counts


def due_ids(now: Any = None, *, settle_seconds: int = 60) -> list[int]:
    """Notifications whose email is still due (never claimed, or a claim gone stale), from the last
    RETRY_WITHIN_HOURS, leaving the newest minute to the task enqueued when they were written."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=CLAIM_SECONDS)
    return list(Notification.objects.filter(
        created_at__gte=now - timedelta(hours=RETRY_WITHIN_HOURS),
        created_at__lte=now - timedelta(seconds=settle_seconds))
        .filter(Q(email_state=EmailState.PENDING) | Q(email_state=EmailState.SENDING, email_at__lt=stale))
        .order_by("pk").values_list("pk", flat=True)[:5000])


@task()
def send_emails(notification_ids: list[int]) -> dict[str, int]:
    """Email these notifications to their recipients who want email; each at most once, so a retried
    or duplicated task sends nothing twice."""
    return deliver(notification_ids)


@task()
def retry_emails() -> dict[str, int]:
    """Periodic (every 5 minutes): the emails still due (the mail server was away, a worker died
    holding one) are sent now."""
    ids = due_ids()
    return deliver(ids) if ids else {"sent": 0, "skipped": 0, "failed": 0}
