"""Who may see and mark which notification: a person sees only their own (registered in
NotificationsConfig.ready() with core.permissions)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from imbuto.core import permissions
from imbuto.core.permissions import Policy


class OwnNotifications(Policy):
    """Every role sees and marks its own notifications, and nobody else's (admins included)."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return Q(recipient_id=user.pk) if action in ("view", "change") else None

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if obj is None:
            return None
        return action in ("view", "change") and getattr(obj, "recipient_id", None) == user.pk


class OwnPreference(Policy):
    """Each person reads and changes their own notification preference only."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return Q(user_id=user.pk) if action in ("view", "change") else None


def register() -> None:
    from .models import Notification, NotificationPreference

    permissions.register(Notification, OwnNotifications())
    permissions.register(NotificationPreference, OwnPreference())


def scope(user: Any, queryset: QuerySet) -> QuerySet:
    """The notifications of `user` among `queryset`; nothing for an anonymous or inactive user."""
    return permissions.restrict(user, queryset)


def may_read(user: Any, notification: Any) -> bool:
    return permissions.can(user, "view", notification)
