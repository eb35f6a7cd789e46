"""Data for the prediction panel on the lead page."""

from __future__ import annotations

from typing import Any

from django import template

from imbuto.core.errors import DomainError

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def lead_prediction_panel(context: template.Context, lead: Any) -> selectors.PredictionView | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if lead is None or user is None:
        return None
    try:
        return selectors.lead_prediction(user, lead.pk)
    except DomainError:
        return None
