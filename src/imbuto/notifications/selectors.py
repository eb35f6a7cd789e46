"""Readers of notifications, already restricted to the reader's own (policy.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import policy
from .models import Notification, NotificationPreference


def notifications_of(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = policy.scope(user, Notification.objects.all())
    return qs.filter(read_at__isnull=True) if unread_only else qs


def unread_count(user: Any) -> int:
    return notifications_of(user, unread_only=True).count()


def email_enabled(user: Any) -> bool:
    """Whether `user` wants notifications by email too (yes until they say otherwise)."""
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    return preference is None or preference.email
