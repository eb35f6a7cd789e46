"""`{% unread_notifications %}`: the bell with the unread count in the page header."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def unread_notifications(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    count = unread_count(user) if user is not None and user.is_authenticated else 0
    return {"unread": count}
