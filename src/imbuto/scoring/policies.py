"""Who may see and change scoring (registered in ScoringConfig.ready()): every staff role sees the rules
and thresholds (they explain the scores people see); marketers and admins configure them. A lead's
stored score follows its lead: whoever may see the lead sees its score."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Policy, Roles

ANY_ROLE = ("admin", "manager", "rep", "marketer")
CONFIGURE = ("admin", "marketer")


class LeadScorePolicy(Policy):
    """A score is seen where its lead is seen; only the system writes it."""

    def scope(self, user: Any, role: str, action: str) -> Q | None:
        if action != "view":
            return None
        lead_q = permissions.lead_scope(user, "view")
        if lead_q is None:
            return None
        from imbuto.leads.models import Lead

        return Q() if lead_q == Q() else Q(lead__in=Lead.objects.filter(lead_q).values("pk"))


def register() -> None:
    from .models import LeadScore, ScoringRule, ScoringSettings

    configure = Roles({"view": ANY_ROLE, "*": CONFIGURE})
    permissions.register(ScoringRule, configure)
    permissions.register(ScoringSettings, configure)
    permissions.register(LeadScore, LeadScorePolicy())
