"""Who may see and change users, teams and API tokens (registered in UsersConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q

from imbuto.core import permissions
from imbuto.core.permissions import Everyone, Policy


class TokenPolicy(Policy):
    """A person sees and revokes their own tokens; an admin everyone's."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        return Q() if role == "admin" else Q(user=user)

    def check(self, user: Any, role: str, action: str, obj: Model | None) -> bool | None:
        if obj is None:
            return True
        return role == "admin" or getattr(obj, "user_id", None) == user.pk


def register() -> None:
    from .models import ApiToken, Team, User

    permissions.register(User, Everyone(change_roles=("admin",)))
    permissions.register(Team, Everyone(change_roles=("admin",)))
    permissions.register(ApiToken, TokenPolicy())
