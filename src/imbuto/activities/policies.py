"""Who may see and change activities (registered by ActivitiesConfig.ready()).

See: the owner, whoever manages the owner's team, admins all, and whoever may see a record the
activity is attached to (a lead's, contact's, account's or deal's timeline shows every activity on it,
whoever logged it). Change (edit, complete, reopen): the owner, the owner's team manager, admins.
Create: for oneself; a manager also for the team's people; an admin for anyone."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy

# the records an activity hangs off: (field, the model's label)
ATTACHMENTS = (("lead", "leads.lead"), ("contact", "leads.contact"), ("account", "leads.account"),
               ("deal", "deals.deal"))


def owned(user: Any, role: str) -> Q | None:
    if role == "admin":
        return Q()
    if role in ("rep", "marketer"):
        return Q(owner=user)
    if role == "manager":
        return Q(owner=user) | Q(owner__team_id=user.team_id) if user.team_id else Q(owner=user)
    return None


def through_records(user: Any) -> Q | None:
    """Activities attached to a record `user` may see (one subquery per kind of record)."""
    from django.apps import apps

    result: Q | None = None
    for field, label in ATTACHMENTS:
        scope = permissions.scope_of(user, label, "view")
        if scope is None:
            continue
        model = apps.get_model(label)
        q = Q(**{f"{field}__isnull": False}) if scope == Q() else \
            Q(**{f"{field}__in": model._default_manager.filter(scope).values("pk")})
        result = q if result is None else result | q
    return result


class Activities(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        mine = owned(user, role)
        if action != "view" or mine == Q():
            return mine
        records = through_records(user)
        if mine is None:
            return records
        return mine if records is None else mine | records

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if action != "create" or obj is None:
            if role == "admin":
                return True
            if obj is not None and action != "view" and getattr(obj, "owner_id", None) == user.pk:
                return True
            return None
        owner_id = getattr(obj, "owner_id", None)
        if role == "admin":
            return True
        if role not in ("manager", "rep", "marketer"):
            return False
        if owner_id == user.pk:
            return True
        if role == "manager" and owner_id is not None and user.team_id:
            owner = obj.owner  # type: ignore[attr-defined]
            return owner is not None and owner.team_id == user.team_id
        return False


def register() -> None:
    from .models import Activity

    permissions.register(Activity, Activities())
