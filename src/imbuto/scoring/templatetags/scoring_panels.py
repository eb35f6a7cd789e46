"""The score panel on the lead page: the lead's score explained, for a page that already showed the
lead to the user (so its scope is checked)."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import Explained, explain_lead

register = template.Library()


@register.simple_tag
def lead_score_panel(lead: Any) -> Explained | None:
    if lead is None or getattr(lead, "pk", None) is None:
        return None
    return explain_lead(lead.pk, lead.score)
