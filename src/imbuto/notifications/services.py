"""The writers of notifications: `notify` (the entry point for every app: routing, SLA, ...), send
(from tasks, the system acts), mark read, mark all read, and each person's email preference.

Every notification written is emailed to its recipient too (after commit, by the `send_emails`
task), unless they switched email off."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from imbuto.core.errors import NotFound
from imbuto.core.types import Actor

from . import policy
from .messages import MESSAGES
from .models import EmailState, Notification, NotificationPreference

if TYPE_CHECKING:
    from imbuto.users.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """One notification to write: to whom, which code with which parameters, where it points."""

    recipient_id: int
    code: str
    params: dict[str, Any]
    link: str = ""
    key: str = ""


def notify(recipients: Iterable[int | User], code: str, params: dict[str, Any] | None = None, *,
           link: str = "", key: str = "") -> int:
    """Tell these people (users or user ids) something: one notification each, in the app and by
    email (unless they switched email off), rendered in each reader's language from `code` (registered
    in messages.py with `messages.register`) and `params` (plain JSON values; a {"en": ..., "it": ...}
    dict for a value that has a name in each language). `link` is the path of the page it is about;
    `key` names the fact ("sla-breach:123"): with a key, telling someone twice writes (and mails) once,
    so a retried task may call this again. Returns how many notifications were new."""
    if code not in MESSAGES:
        raise ValueError(f"unknown notification code {code!r}: register it in notifications.messages")
    ids = {r if isinstance(r, int) else int(r.pk) for r in recipients}
    return notifications_send(messages=[Message(recipient_id=pk, code=code, params=dict(params or {}),
                                                link=link, key=key) for pk in sorted(ids)])


@transaction.atomic
def notifications_send(*, messages: Iterable[Message]) -> int:
    """Write the notifications; one already written under the same (recipient, key) is skipped, so a
    retried task tells nobody twice. Their emails are enqueued after commit. Returns how many were new."""
    rows = [Notification(recipient_id=m.recipient_id, code=m.code, params=m.params, link=m.link[:300],
                         key=m.key[:120]) for m in messages]
    if not rows:
        return 0
    keyed = {(r.recipient_id, r.key) for r in rows if r.key}
    known = set()
    if keyed:
        known = set(Notification.objects.filter(
            recipient_id__in={r for r, _k in keyed}, key__in={k for _r, k in keyed})
            .values_list("recipient_id", "key"))
    fresh = [r for r in rows if not r.key or (r.recipient_id, r.key) not in known]
    plain = Notification.objects.bulk_create([r for r in fresh if not r.key])
    Notification.objects.bulk_create([r for r in fresh if r.key], ignore_conflicts=True)
    ids = [r.pk for r in plain]
    new_keys = {(r.recipient_id, r.key) for r in fresh if r.key}
    if new_keys:  # ignore_conflicts returns no ids: read them back, still due for email
        ids += [pk for pk, recipient, key in Notification.objects.filter(
            recipient_id__in={r for r, _k in new_keys}, key__in={k for _r, k in new_keys},
            email_state=EmailState.PENDING).values_list("pk", "recipient_id", "key")
            if (recipient, key) in new_keys]
    if ids:
        transaction.on_commit(lambda: _enqueue_emails(sorted(ids)))
    return len(fresh)


def _enqueue_emails(ids: list[int]) -> None:
    """After commit; a queue that cannot be reached leaves them to `retry_emails`."""
    from .mail import send_emails

    try:
        send_emails.enqueue(ids)
    except Exception:  # the notifications are written; their emails wait for the periodic retry
        logger.exception("could not enqueue the emails of %s notification(s)", len(ids))


def email_preference_set(*, actor: User, email: bool) -> NotificationPreference:
    """Switch the actor's own notification emails on or off (nobody sets another's)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user_id=actor.pk, defaults={"email": email})
    return preference


def notification_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's notifications read (again: no change). Another's is not found."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or not policy.may_read(actor, notification):
        raise NotFound(_not_found())
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor: Actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return policy.scope(actor, Notification.objects.filter(read_at__isnull=True)).update(
        read_at=timezone.now())


def _not_found() -> str:
    from django.utils.translation import gettext as _

    return _("No such notification.")
