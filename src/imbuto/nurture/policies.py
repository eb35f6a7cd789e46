"""Who may see and change nurturing (registered by NurtureConfig.ready() with core.permissions):
every signed-in role reads templates and sequences, admins, managers and marketers write them; an
enrolment and its messages follow their lead (seen by who sees it, enrolled or stopped by who may
change it)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from imbuto.core import permissions
from imbuto.core.permissions import Everyone, Policy

AUTHORS = ("admin", "manager", "marketer")


class FollowsLead(Policy):
    def scope(self, user: Any, role: str, action: str) -> Q | None:
        from imbuto.leads.models import Lead

        lead_q = permissions.lead_scope(user, "view" if action == "view" else "change")
        if lead_q is None:
            return None
        if lead_q == Q():
            return Q()
        return Q(lead__in=Lead.objects.filter(lead_q).values("pk"))

    def check(self, user: Any, role: str, action: str, obj: Any) -> bool | None:
        if obj is None:  # enrolling "some lead": whoever may change some lead
            return permissions.lead_scope(user, "change") is not None
        return None


def register() -> None:
    from .models import EmailTemplate, Enrolment, Message, Sequence, Step, Suppression

    for model in (EmailTemplate, Sequence, Step):
        permissions.register(model, Everyone(change_roles=AUTHORS))
    permissions.register(Enrolment, FollowsLead())
    permissions.register(Message, FollowsLead())
    # who asked not to be mailed: the authors of sequences see and manage it
    permissions.register(Suppression, permissions.Roles({"*": AUTHORS}))
