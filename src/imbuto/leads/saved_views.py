"""Saved lead list filters ("views"), one set per user: only the list's filter names are kept, so a
view can never carry anything else into the page."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from imbuto.core import history
from imbuto.core.errors import NotFound, ValidationFailed

from .models import SavedView

FILTER_NAMES = ("search", "stage", "temperature", "owner", "channel", "campaign", "country",
                "created_after", "created_before", "ordering")
MAX_VIEWS = 50


def clean_query(query: str) -> str:
    """The list filters of a query string, nothing else, in a stable order."""
    given = QueryDict(query[:2000])
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        value = given.get(name, "").replace("\x00", "").strip()
        if value:
            kept[name] = value[:200]
    return kept.urlencode()


def saved_views(user: Any) -> list[SavedView]:
    """The user's own views (nobody sees another user's)."""
    if not getattr(user, "pk", None):
        return []
    return list(SavedView.objects.filter(owner=user))


def saved_view_save(*, actor: Any, name: str, query: str) -> SavedView:
    """Save (or replace, by name) a view of the actor's lead list."""
    name = " ".join(name.split())[:80]
    if not name:
        raise ValidationFailed(_("Give the view a name."), fields={"name": [_("Required.")]})
    with transaction.atomic():
        mine = SavedView.objects.select_for_update().filter(owner=actor)
        if mine.count() >= MAX_VIEWS and not mine.filter(name=name).exists():
            raise ValidationFailed(_("You can keep at most %(max)s views: delete one first.")
                                   % {"max": MAX_VIEWS}, fields={"name": [_("Too many views.")]})
        view, _created = SavedView.objects.update_or_create(owner=actor, name=name,
                                                            defaults={"query": clean_query(query)})
        history.record(view, actor=actor, action="saved", changes={"query": [None, view.query]})
    return view


def saved_view_delete(*, actor: Any, view_id: int) -> None:
    """Delete one of the actor's views; another user's view does not exist for them."""
    view = SavedView.objects.filter(owner=actor, pk=view_id).first()
    if view is None:
        raise NotFound(_("No such view."))
    with transaction.atomic():
        history.record(view, actor=actor, action="deleted", changes={"name": [view.name, None]})
        view.delete()
