"""Who may see and change routing (registered in RoutingConfig.ready()).

Admins configure everything. A sales manager sees the whole configuration and changes their own
team's pool, its members and the rules that send leads to it. A marketer sees it (they may be a
nurturing owner). A sales rep sees none of it. Leads waiting for routing follow the lead."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy, Roles

VIEWERS = ("admin", "manager", "marketer")


class TeamScoped(Policy):
    """Admins all; managers view all and change what belongs to their team's pool; marketers view."""

    def __init__(self, team_path: str) -> None:
        self.team_path = team_path

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if action == "view" and role in VIEWERS:
            return Q()
        if role == "manager" and user.team_id:
            return Q(**{self.team_path: user.team_id})
        return None


class FollowsLead(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        lead_q = permissions.lead_scope(user, action)
        if lead_q is None:
            return None
        if lead_q == Q():
            return Q()
        from imbuto.leads.models import Lead

        return Q(lead__in=Lead.objects.filter(lead_q).values("pk"))


def register() -> None:
    from .models import Pool, PoolMember, Rule, Settings, Waiting

    permissions.register(Pool, TeamScoped("team_id"))
    permissions.register(PoolMember, TeamScoped("pool__team_id"))
    permissions.register(Rule, TeamScoped("pool__team_id"))
    permissions.register(Waiting, FollowsLead())
    permissions.register(Settings, Roles({"view": VIEWERS, "*": ("admin",)}))


def may_configure(user: Any) -> bool:
    """The routing page: admins and managers (who change their own team's part)."""
    return permissions.role_of(user) in ("admin", "manager")


def may_view(user: Any) -> bool:
    return permissions.role_of(user) in VIEWERS
