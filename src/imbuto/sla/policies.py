"""Who may see and change response-time data (registered by SlaConfig.ready() with core.permissions):
every signed-in role reads the policy and team calendars, admins change them; a lead's clock is seen
by whoever sees the lead."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Everyone, Policy


class LeadClocks(Policy):
    """A lead's response clock follows the lead: seen by who sees it, changed by who changes it."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        from imbuto.leads.models import Lead

        lead_q = permissions.lead_scope(user, action)
        if lead_q is None:
            return None
        if lead_q == Q():
            return Q()
        return Q(lead__in=Lead.objects.filter(lead_q).values("pk"))


def register() -> None:
    from .models import LeadSla, SlaPolicy, TeamCalendar

    permissions.register(SlaPolicy, Everyone(change_roles=("admin",)))
    permissions.register(TeamCalendar, Everyone(change_roles=("admin",)))
    permissions.register(LeadSla, LeadClocks())
    # the per-rep report: admins see everyone, managers their team, reps themselves
    permissions.register("sla.report", permissions.Roles({"view": ("admin", "manager", "rep")}))
