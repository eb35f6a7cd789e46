"""The activity panels of the record pages: `{% activity_panel "lead" lead as panel %}`, and
`activity|may_change:user` for the buttons of a timeline entry."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from imbuto.core import permissions

from .. import selectors
from ..forms import QuickLogForm

register = template.Library()

URLS = {"lead": "leads:detail", "contact": "leads:contact_detail", "account": "leads:account_detail",
        "deal": "deals:detail"}


def record_url(kind: str, obj: Any) -> str:
    try:
        return reverse(URLS[kind], args=[obj.pk])
    except NoReverseMatch:
        return reverse("activities:my_day")


def panel_context(user: Any, kind: str, obj: Any, form: QuickLogForm | None = None) -> dict[str, Any]:
    """What a record's activity panel shows: its timeline and, for who may log, the quick-log form."""
    may_log = permissions.role_of(user) is not None and not getattr(obj, "merged_into_id", None)
    dom_id = f"activities-{kind}-{obj.pk}"
    if form is None:
        form = QuickLogForm(auto_id=f"{dom_id}-%s")
    else:
        form.auto_id = f"{dom_id}-%s"
    items = selectors.mark_changeable(user, selectors.timeline(user, kind, obj))
    return {"kind": kind, "obj": obj, "items": items, "form": form,
            "may_log": may_log, "url": record_url(kind, obj), "dom_id": dom_id}


@register.simple_tag(takes_context=True)
def activity_panel(context: template.Context, kind: str, obj: Any) -> dict[str, Any] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or user is None:
        return None
    return panel_context(user, kind, obj)



@register.simple_tag
def record_link(kind: str, obj: Any) -> str:
    return record_url(kind, obj)
