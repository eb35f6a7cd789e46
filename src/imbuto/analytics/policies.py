"""Who may see the figures and set targets (registered by AnalyticsConfig.ready()): every role opens
the dashboard and the KPI API, and sees there only the leads, deals and clocks its lead and deal
policies let it see; admins set every target, managers those of their team and its reps; reps see
their own and their team's targets, marketers read them all."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy, Roles


class Targets(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if role == "marketer":
            return Q() if action == "view" else None
        team = Q(team_id=user.team_id) | Q(user__team_id=user.team_id) if user.team_id else Q(pk__in=[])
        if role == "manager":
            return team | Q(user=user)
        if role == "rep" and action == "view":
            return Q(user=user) | (Q(team_id=user.team_id) if user.team_id else Q(pk__in=[]))
        return None


def register() -> None:
    from .models import Target
    from .summary_models import DealFact, LeadDay, SummaryState

    permissions.register(Target, Targets())
    # the summary tables are the dashboard's working copy of the leads, deals and clocks: read only by
    # analytics.summary on behalf of a reader it has already scoped (the same slices as the raw tables)
    for model in (LeadDay, DealFact, SummaryState):
        permissions.register(model, Roles({"view": ("admin",)}))
    permissions.register("analytics.dashboard", Roles({"view": ("admin", "manager", "rep", "marketer")}))
    permissions.register(
        "analytics.targets",
        Roles({"view": ("admin", "manager", "rep", "marketer"), "change": ("admin", "manager")}),
    )
