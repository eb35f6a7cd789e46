"""Reads of scoring, scoped by core.permissions: the rules, the thresholds, and a lead's score explained
(the lead's own scope decides who may see it: a score is seen by whoever may see its lead)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound
from imbuto.leads.selectors import lead_get

from . import compute
from .models import LeadScore, ScoringRule, ScoringSettings


def rules_visible(user: Any) -> QuerySet[ScoringRule]:
    """The rules `user` may see, fit first then engagement, by name."""
    return permissions.restrict(user, ScoringRule.objects.order_by("kind", "name", "id"))


def rule_get(user: Any, rule_id: int) -> ScoringRule:
    rule = rules_visible(user).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No such scoring rule."))
    return rule


def may_configure(user: Any) -> bool:
    """Whether `user` may add and change rules and thresholds (marketers and admins)."""
    return permissions.can(user, "create", ScoringRule)


def may_view_rules(user: Any) -> bool:
    return permissions.can(user, "view", ScoringRule)


def thresholds_of(user: Any) -> ScoringSettings:
    found = ScoringSettings.objects.filter(pk=1).first() or ScoringSettings(pk=1)
    if not permissions.can(user, "view", found):
        raise NotFound(_("No such scoring rule."))
    return found


@dataclass
class Explained:
    """A lead's score explained: its parts as the active rules give them now."""

    lead_id: int
    total: int
    fit: int
    engagement: float
    stored: int | None
    parts: list[compute.Part]
    computed_at: dt.datetime
    scored: bool
    promoted_to: str


def lead_score(user: Any, lead_id: int, *, now: dt.datetime | None = None) -> Explained:
    """The score of a lead `user` may see (NotFound otherwise), computed now by the same rules and code
    as the batch rescore (a batch of one), beside the stored total."""
    lead = lead_get(user, lead_id)
    return explain_lead(lead.pk, lead.score, now=now)


def explain_lead(lead_id: int, stored: int | None, *, now: dt.datetime | None = None) -> Explained:
    """A lead's score explained, for a caller that already checked the lead may be seen."""
    now = now or timezone.now()
    rules = compute.active_rules()
    if not rules:
        return Explained(
            lead_id=lead_id,
            total=0,
            fit=0,
            engagement=0.0,
            stored=stored,
            parts=[],
            computed_at=now,
            scored=False,
            promoted_to="",
        )
    [result] = compute.compute_for(Q(pk=lead_id), Q(lead_id=lead_id), rules, now) or [compute.Result(lead_id)]
    detail = LeadScore.objects.filter(lead_id=lead_id).values_list("promoted_to", flat=True).first()
    return Explained(
        lead_id=lead_id,
        total=result.total,
        fit=result.fit,
        engagement=round(result.engagement, 2),
        stored=stored,
        parts=result.parts,
        computed_at=now,
        scored=bool(rules),
        promoted_to=detail or "",
    )
