"""Who may see and change leads, accounts, contacts, campaigns and channels (registered in ready()).

Leads: an admin everything; a sales manager the leads of their team and the unassigned queue (leads
with neither owner nor team, which intake creates until routing assigns them); a sales rep the leads
they own;
a marketer sees every lead and changes those still in marketing's hands (before SQL, plus the parked
and discarded exits). Accounts and contacts follow the leads: one sees those one owns (a manager:
those of the team) and those of the leads one sees; a marketer sees all and changes their own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from imbuto.core import permissions
from imbuto.core.permissions import Everyone, Policy

from .choices import Stage

MARKETING_STAGES = frozenset((Stage.SUSPECT, Stage.LEAD, Stage.MQL, Stage.PARKED, Stage.DISCARDED))
ANY_ROLE = ("admin", "manager", "rep", "marketer")


class LeadPolicy(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if role == "manager":
            nobodys = Q(owner__isnull=True, team__isnull=True)  # the unassigned queue, until routing
            if not user.team_id:
                return Q(owner=user) | nobodys
            return Q(team_id=user.team_id) | Q(owner__team_id=user.team_id) | Q(owner=user) | nobodys
        if role == "rep":
            return Q(owner=user)
        if role == "marketer":
            return Q() if action == "view" else Q(stage__in=MARKETING_STAGES)
        return None

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if action == "create" or obj is None:
            return role in ANY_ROLE  # for whom: leads.assignment
        lead: Any = obj
        if role == "admin":
            return True
        if role == "rep":
            return lead.owner_id is not None and lead.owner_id == user.pk
        if role == "marketer":
            return action == "view" or lead.stage in MARKETING_STAGES
        if role == "manager":
            if lead.owner_id == user.pk or (user.team_id and lead.team_id == user.team_id):
                return True
            if lead.owner_id is None and lead.team_id is None:
                return True  # nobody's lead: every manager may take or assign it
            if not user.team_id or lead.owner_id is None:
                return False
            if "owner" in lead._state.fields_cache:  # the owner's team without a query
                return lead.owner is not None and lead.owner.team_id == user.team_id
            return None  # an owner of another team's lead may have joined ours: ask the database
        return False


def _lead_scope_values(user: Any, field: str) -> Q | None:
    """Rows whose id is the `field` (account_id, contact_id) of a lead `user` may see: a subquery."""
    from .models import Lead

    scope = permissions.lead_scope(user, "view")
    if scope is None:
        return None
    ids = Lead.objects.filter(scope, **{f"{field}__isnull": False}).values(field)
    return Q(pk__in=ids)


class OwnedPolicy(Policy):
    """Accounts and contacts: scoped like leads (own; a manager's team; those of visible leads)."""

    lead_field = "account"

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if role == "marketer":
            return Q() if action == "view" else Q(owner=user)
        if role not in ("manager", "rep"):
            return None
        mine = Q(owner=user)
        if role == "manager" and user.team_id:
            mine |= Q(owner__team_id=user.team_id)
        if action != "view" and role == "rep":
            return mine
        through_leads = _lead_scope_values(user, self.lead_field)
        return mine | through_leads if through_leads is not None else mine

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if obj is None:
            return role in ANY_ROLE if action == "create" else None
        owner_id = getattr(obj, "owner_id", None)
        if action == "create":
            if role in ("admin",):
                return True
            if role == "manager" and owner_id != user.pk and owner_id is not None:
                owner = obj.owner  # type: ignore[attr-defined]
                return bool(user.team_id) and owner.team_id == user.team_id
            return owner_id == user.pk
        if role == "admin" or (role == "marketer" and action == "view"):
            return True
        if owner_id is not None and owner_id == user.pk:
            return True
        return None


class ContactPolicy(OwnedPolicy):
    lead_field = "contact"


class OwnViews(Policy):
    """A saved list view is its owner's alone, whatever the role."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return Q(owner_id=user.pk) if getattr(user, "pk", None) else None


def register() -> None:
    from .models import Account, Campaign, Channel, Contact, Lead, SavedView

    permissions.register(Lead, LeadPolicy())
    permissions.register(Account, OwnedPolicy())
    permissions.register(Contact, ContactPolicy())
    permissions.register(Campaign, Everyone(change_roles=("admin", "manager", "marketer")))
    permissions.register(Channel, Everyone(change_roles=("admin", "manager", "marketer")))
    permissions.register(SavedView, OwnViews())
