"""Who may see and change activities: their owner and whoever manages the owner's team; admins all."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy


class Activities(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if role == "admin":
            return Q()
        if role in ("rep", "marketer"):
            return Q(owner=user)
        if role == "manager":
            return Q(owner=user) | Q(owner__team_id=user.team_id) if user.team_id else Q(owner=user)
        return None


def register() -> None:
    from .models import Activity

    permissions.register(Activity, Activities())
