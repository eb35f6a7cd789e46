"""The writers of notifications: send (from tasks, the system acts), mark read, mark all read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from imbuto.core.errors import NotFound
from imbuto.core.types import Actor

from . import policy
from .models import Notification


@dataclass(frozen=True)
class Message:
    """One notification to write: to whom, which code with which parameters, where it points."""

    recipient_id: int
    code: str
    params: dict[str, Any]
    link: str = ""
    key: str = ""


@transaction.atomic
def notifications_send(*, messages: Iterable[Message]) -> int:
    """Write the notifications in one statement; one already written under the same (recipient, key)
    is skipped, so a retried task tells nobody twice. Returns how many were new."""
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
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


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
