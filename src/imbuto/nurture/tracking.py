"""Signed links of a sequence email: one-click unsubscribe, the open pixel and tracked clicks.

A token is the message id signed with the instance's secret (django.core.signing, its own salt per
use), so nobody can unsubscribe or click for another message by changing a number. Opens and clicks
become engagement rows through intake's one writer (`engagement_store`, kinds email_open and
email_click, channel email-campaign), so they feed the score like the events API's."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

URL = re.compile(r"https?://[^\s<>\"')]+")
UNSUBSCRIBE, OPEN, CLICK = "nurture.unsubscribe", "nurture.open", "nurture.click"


def absolute(path: str) -> str:
    return settings.IMBUTO_BASE_URL.rstrip("/") + path


def token(message_id: int, salt: str) -> str:
    return signing.dumps(message_id, salt=salt, compress=False)


def message_of(value: str, salt: str) -> int | None:
    """The message id a token stands for, or None for a forged or broken one."""
    try:
        pk = signing.loads(value, salt=salt)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def unsubscribe_url(message_id: int) -> str:
    return absolute(reverse("nurture:unsubscribe", args=[token(message_id, UNSUBSCRIBE)]))


def open_url(message_id: int) -> str:
    return absolute(reverse("nurture:open", args=[token(message_id, OPEN)]))


def click_url(message_id: int, target: str) -> str:
    value = signing.dumps({"m": message_id, "u": target}, salt=CLICK, compress=True)
    return absolute(reverse("nurture:click", args=[value]))


def click_of(value: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(value, salt=CLICK)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("m"), int) or not str(data.get("u", "")
                                                                                  ).startswith(("http://", "https://")):
        return None
    return data["m"], data["u"]


def track_links(body: str, message_id: int) -> str:
    """Every web link of a plain-text body through the click redirect (not the unsubscribe link)."""
    keep = unsubscribe_url(message_id)
    return URL.sub(lambda m: m.group(0) if m.group(0) == keep else click_url(message_id, m.group(0)), body)


def engagement_record(message_id: int, kind: str) -> bool:
    """The first open (or click) of a message: its time on the message and one engagement row for the
    lead. Later ones change nothing (a reloaded pixel does not inflate the score). True if recorded."""
    from imbuto.intake.models import EngagementEvent
    from imbuto.intake.pipeline.engagement import engagement_store
    from imbuto.leads.models import Channel

    from .models import Message, MessageState

    column = "opened_at" if kind == "email_open" else "clicked_at"
    now = timezone.now()
    with transaction.atomic():
        if not Message.objects.filter(pk=message_id, state=MessageState.SENT, **{f"{column}__isnull": True}
                                      ).update(**{column: now}):
            return False
        message = Message.objects.select_related("enrolment__sequence").get(pk=message_id)
        if kind == "email_click" and message.opened_at is None:  # a click is an open too
            Message.objects.filter(pk=message_id).update(opened_at=now)
        channel = Channel.objects.filter(slug="email-campaign").values_list("pk", flat=True).first()
        engagement_store([EngagementEvent(
            lead_id=message.lead_id, kind=kind, channel_id=channel, occurred_at=now, received_at=now,
            content_ref=message.subject[:300], external_event_id=f"nurture:{message.pk}:{kind}",
            properties={"sequence": message.enrolment.sequence.name, "message_id": message.message_id},
        )], actor=None)
    return True
