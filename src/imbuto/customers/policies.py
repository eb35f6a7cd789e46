"""Who may see and record customer data (registered by CustomersConfig.ready()): feedback, problems
and profiles follow their account. Whoever may see the account sees them; admins, managers and reps
who may see the account record feedback and problems and resolve problems; marketers read."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy

WRITERS = ("admin", "manager", "rep")


class FollowsAccount(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if action != "view" and role not in WRITERS:
            return None
        account_q = permissions.scope_of(user, "leads.account", "view")
        if account_q is None:
            return None
        if account_q == Q():
            return Q()
        from imbuto.leads.models import Account

        return Q(account__in=Account.objects.filter(account_q).values("pk"))

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if action != "view" and role not in WRITERS:
            return False
        if role == "admin":
            return True
        if obj is not None and obj.pk is None:  # about to be created: may this user see its account?
            return permissions.can(user, "view", obj.account)  # type: ignore[attr-defined]
        return None


def register() -> None:
    from .models import CustomerProfile, Feedback, Problem

    permissions.register(CustomerProfile, FollowsAccount())
    permissions.register(Feedback, FollowsAccount())
    permissions.register(Problem, FollowsAccount())
