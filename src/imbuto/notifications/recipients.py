"""Who is told about a lead: its owner, or the managers of its team when nobody owns it; and whether
the acting user saw the lead themselves (then nobody needs telling)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation

from imbuto.core import permissions

# Source kinds through which a public visitor (no user) brings information: the owner should know.
PUBLIC_KINDS = frozenset(("form", "chat"))


def unseen_by(actor_id: int | None, lead_ids: set[int], via: str) -> set[int]:
    """The leads among `lead_ids` the acting user may not see, in one query. Without an actor, a public
    visitor (web form, chat) sees none; the system itself (the CLI, a task) sees all."""
    from imbuto.leads.models import Lead
    from imbuto.users.models import User

    if actor_id is None:
        return set(lead_ids) if via in PUBLIC_KINDS else set()
    actor = User.objects.filter(pk=actor_id).first()
    visible = set(permissions.restrict(actor, Lead.objects.filter(pk__in=lead_ids), "view")
                  .values_list("pk", flat=True)) if actor else set()
    return set(lead_ids) - visible


def people_responsible(leads: list[Any], *, exclude: int | None = None) -> dict[int, list[int]]:
    """For each lead: its owner if active, else the active managers of its team; never the acting user.
    Two queries for any number of leads."""
    from imbuto.users.models import User

    active = User.objects.filter(is_active=True)
    owners = set(active.filter(pk__in={lead.owner_id for lead in leads if lead.owner_id})
                 .values_list("pk", flat=True))
    teams = {lead.team_id for lead in leads if not lead.owner_id and lead.team_id}
    managers: dict[int, list[int]] = {}
    team_managers = active.filter(team_id__in=teams, role="manager").order_by("pk")
    for pk, team_id in team_managers.values_list("pk", "team_id"):
        managers.setdefault(team_id, []).append(pk)
    out = {}
    for lead in leads:
        if lead.owner_id:
            ids = [lead.owner_id] if lead.owner_id in owners else []
        else:
            ids = managers.get(lead.team_id, []) if lead.team_id else []
        out[lead.pk] = [pk for pk in ids if pk != exclude]
    return out


def lead_link(lead_id: int) -> str:
    return reverse("leads:detail", args=[lead_id])


def channel_names(source: Any, via: str) -> dict[str, str]:
    """Where the information came from, in every UI language: the record's channel, else the kind of
    source it arrived through (a record sent to the API names no channel)."""
    from imbuto.intake.models import SourceKind

    channel = getattr(source, "channel", None)
    if channel is not None:
        return {"en": channel.name, "it": channel.name_it or channel.name}
    kind = getattr(source, "kind", "") or via
    if kind not in SourceKind.values:
        return {}
    names = {}
    for lang in ("en", "it"):
        with translation.override(lang):
            names[lang] = str(SourceKind(kind).label)
    return names
