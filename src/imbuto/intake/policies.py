"""Who may see and change intake's records (registered in IntakeConfig.ready()).

Records that belong to a lead (its sources, match keys, engagement, referrals) are seen by whoever may
see the lead; a possible duplicate by whoever may see both leads; a merge by whoever may see the
surviving lead. Imports are scoped like the leads they create (ImportJobs); web forms are marketing
and management work; chats are seen by every
role and answered by sales (admins, managers, reps).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy, Roles

ANY_ROLE = ("admin", "manager", "rep", "marketer")
CAMPAIGN_ROLES = ("admin", "manager", "marketer")


def _visible_leads(user: Any, action: str) -> Any:
    from imbuto.leads.models import Lead

    scope = permissions.lead_scope(user, action)
    if scope is None:
        return None
    return Lead.objects.filter(scope).values("pk") if scope != Q() else True


class ViaLead(Policy):
    """Rows that hang off leads: allowed where every named lead is (a subquery, still one query)."""

    def __init__(self, *fields: str) -> None:
        self.fields = fields

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        leads = _visible_leads(user, action)
        if leads is None:
            return None
        if leads is True:
            return Q()
        q = Q()
        for name in self.fields:
            q &= Q(**{f"{name}__in": leads})
        return q

    def check(self, user: Any, role: str, action: str, obj: Any) -> bool | None:
        if obj is None:
            return None
        return all(permissions.can(user, action, getattr(obj, name)) for name in self.fields
                   if getattr(obj, f"{name}_id") is not None)


class ImportJobs(Policy):
    """Imports are scoped like the leads they create: an admin sees all of them; a manager their own
    and those of their team's members; a marketer (no team) their own; reps do not import. Imports
    made from the command line (no user) are the operator's: admins only. Seeing an import is what
    lets a user open, preview, remap, start and resume it and download its row report."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if role == "manager" and user.team_id:
            return Q(created_by=user) | Q(created_by__team_id=user.team_id)
        if role in ("manager", "marketer"):
            return Q(created_by=user)
        return None


def register() -> None:
    from . import models as m

    permissions.register(m.LeadSource, ViaLead("lead"))
    permissions.register(m.MatchKey, ViaLead("lead"))
    permissions.register(m.EngagementEvent, ViaLead("lead"))
    permissions.register(m.Referral, ViaLead("lead"))
    permissions.register(m.DuplicateCandidate, ViaLead("lead", "candidate"))
    permissions.register(m.LeadMerge, ViaLead("survivor"))
    permissions.register(m.ImportJob, ImportJobs())
    permissions.register(m.ImportRowError, Roles({"*": CAMPAIGN_ROLES}))
    permissions.register(m.ColumnMapping, Roles({"*": CAMPAIGN_ROLES}))
    permissions.register(m.WebForm, Roles({"*": CAMPAIGN_ROLES}))
    permissions.register(m.ChatSession, Roles({"view": ANY_ROLE, "*": ("admin", "manager", "rep")}))
    permissions.register(m.ChatMessage, Roles({"view": ANY_ROLE, "*": ("admin", "manager", "rep")}))
    permissions.register(m.ChatSettings, Roles({"*": ("admin",)}))
    permissions.register(m.IdempotencyRecord, Policy())  # internal: never read through a person
    # the matcher's learned weights: every role reads which version runs (the review queue says so),
    # admins change them (`imbuto matching learn` runs as the system)
    permissions.register(m.MatchModel, Roles({"view": ANY_ROLE, "*": ("admin",)}))
