"""The lead page's response-time panel: `{% lead_clock_panel lead as panel %}`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from imbuto.core import permissions

from .. import selectors
from ..models import ContactKind

register = template.Library()


def duration(delta: dt.timedelta | None) -> str:
    """A span as "2 h 05 min" (or "5 min")."""
    if delta is None:
        return ""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@register.simple_tag(takes_context=True)
def lead_clock_panel(context: template.Context, lead: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    view = selectors.lead_clock(user, lead.pk)
    may_record = (view is not None and view.clock.first_contact_at is None and not lead.merged_into_id
                  and permissions.can(user, "change", lead))
    return {"view": view, "may_record": may_record, "kinds": ContactKind.choices,
            "left": duration(view.remaining) if view else "",
            "overdue": duration(view.overdue) if view else ""}


register.filter("business_minutes", lambda minutes: duration(dt.timedelta(minutes=minutes or 0)))
