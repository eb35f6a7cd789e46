"""A user's history in the reader's language: stored codes and ids become words and names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.core.models import HistoryEntry

from .models import Role, Team

ACTIONS = {
    "user_added": gettext_lazy("User added"),
    "user_updated": gettext_lazy("Details changed"),
    "user_deactivated": gettext_lazy("Deactivated"),
    "user_reactivated": gettext_lazy("Reactivated"),
    "password_changed": gettext_lazy("Password changed"),
    "password_reset_sent": gettext_lazy("Password reset link sent"),
    "team_created": gettext_lazy("Team created"),
    "team_updated": gettext_lazy("Team renamed"),
}
FIELDS = {
    "username": gettext_lazy("Username"), "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"), "email": gettext_lazy("Email"),
    "role": gettext_lazy("Role"), "team": gettext_lazy("Team"), "language": gettext_lazy("Language"),
    "is_active": gettext_lazy("Status"), "name": gettext_lazy("Name"),
}


def _value(field: str, value: Any, teams: dict[int, str]) -> str:
    if value in (None, ""):
        return ""
    if field == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if field == "team":
        return teams.get(value, f"#{value}")
    if field == "language":
        return _(dict(settings.LANGUAGES).get(value, value))
    if field == "is_active":
        return _("Active") if value else _("Deactivated")
    return str(value)


def history_rows(entries: Iterable[HistoryEntry]) -> list[dict[str, Any]]:
    entries = list(entries)
    team_ids = {v for e in entries for v in (e.changes or {}).get("team", []) if v}
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name"))
    return [{
        "at": e.at,
        "actor": e.actor_label if e.actor_label != "system" else _("Imbuto (automatic)"),
        "label": ACTIONS.get(e.action, e.action),
        "changes": [(FIELDS.get(f, f), _value(f, old, teams), _value(f, new, teams))
                    for f, (old, new) in (e.changes or {}).items()],
    } for e in entries]
