"""The lead page's Nurturing panel: the lead's enrolments and, for who may change the lead, enrol/stop."""

from __future__ import annotations

from typing import Any

from django import template

from imbuto.core import permissions

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def lead_nurture_panel(context: Any, lead: Any) -> dict[str, Any] | None:
    user = context.get("user")
    if lead is None or permissions.role_of(user) is None:
        return None
    return {"enrolments": list(selectors.enrolments(user, lead=lead.pk).order_by("-id")[:20]),
            "may_change": permissions.can(user, "change", lead),
            # a sequence the lead is or was in is not offered: it would be refused (mail goes out once)
            "sequences": list(selectors.sequences(user).filter(active=True)
                              .exclude(enrolments__lead=lead.pk)[:100])}
