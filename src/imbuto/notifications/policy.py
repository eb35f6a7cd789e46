"""Who may see and mark which notification: a person sees only their own. Kept in one small module so
it can move into the per-app permission registry (issue 9, section 2) unchanged."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from imbuto.core import permissions


def scope(user: Any, queryset: QuerySet) -> QuerySet:
    """The notifications of `user` among `queryset`; nothing for an anonymous or inactive user."""
    if permissions.role_of(user) is None:
        return queryset.none()
    return queryset.filter(recipient_id=user.pk)


def may_read(user: Any, notification: Any) -> bool:
    return permissions.role_of(user) is not None and notification.recipient_id == user.pk
