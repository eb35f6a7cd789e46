"""Who may see and change deals (registered by DealsConfig.ready() with core.permissions): admins
everything, managers their team's, reps their own; marketers read. Pipelines and the catalogue are
reference data every role reads and admins change."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Everyone, Policy


def owned_scope(user: Any, role: str, action: str, prefix: str = "") -> Q | None:
    """What an owned record (a deal, an activity) shows: admins all, managers their team's and their
    own, reps their own, marketers read everything."""
    if role == "admin":
        return Q()
    if role == "marketer":
        return Q() if action == "view" else None
    if role == "rep":
        return Q(**{f"{prefix}owner": user})
    if role == "manager":
        mine = Q(**{f"{prefix}owner": user})
        if user.team_id:
            mine |= Q(**{f"{prefix}team_id": user.team_id}) | Q(**{f"{prefix}owner__team_id": user.team_id})
        return mine
    return None


def may_give_deal(actor: Any, owner: Any) -> bool:
    """Whom `actor` may make a deal's owner: admins anyone (or no one), managers themselves and their
    team, reps themselves. services.may_own enforces it; the edit form offers only these choices."""
    role = permissions.role_of(actor)
    if role == "admin":
        return True
    if owner is None:
        return False
    if role == "rep":
        return bool(owner.pk == actor.pk)
    if role == "manager":
        return bool(owner.pk == actor.pk or (actor.team_id is not None and owner.team_id == actor.team_id))
    return False


class Deals(Policy):
    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return owned_scope(user, role, action, self.prefix)


def register() -> None:
    from .models import Deal, DealLine, LossRecycling, Pipeline, PipelineStage, Product

    permissions.register(Pipeline, Everyone(change_roles=("admin",)))
    permissions.register(PipelineStage, Everyone(change_roles=("admin",)))
    permissions.register(Product, Everyone(change_roles=("admin",)))
    permissions.register(LossRecycling, Everyone(change_roles=("admin",)))
    permissions.register(Deal, Deals())
    permissions.register(DealLine, Deals(prefix="deal__"))
