"""Readers of routing, restricted by core.permissions to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from imbuto.core import permissions
from imbuto.core.history import history_of
from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead
from imbuto.leads.selectors import lead_get

from .models import Pool, PoolMember, Rule, Waiting

ROUTING_CODES = ("routing.assigned", "routing.nurturing", "routing.waiting", "routing.no_pool")


def rules_of(user: Any) -> QuerySet[Rule]:
    return permissions.restrict(user, Rule.objects.select_related("pool").order_by("position", "pk"))


def pools_of(user: Any) -> QuerySet[Pool]:
    return permissions.restrict(user, Pool.objects.select_related("team", "nurturing_owner").order_by("name"))


def members_of(user: Any, pool: Pool) -> QuerySet[PoolMember]:
    return permissions.restrict(
        user, PoolMember.objects.filter(pool=pool).select_related("user").order_by("user__username")
    )


@dataclass(frozen=True)
class LeadRouting:
    """How a lead was routed: the latest routing entries of its history, and whether it waits."""

    lead: Lead
    entries: list[HistoryEntry]
    waiting: Waiting | None


def lead_routing(user: Any, lead_id: int) -> LeadRouting:
    """The routing story of a lead `user` may see (NotFound otherwise)."""
    lead = lead_get(user, lead_id)
    entries = list(
        history_of(Lead, lead.pk).filter(reason_code__in=ROUTING_CODES).order_by("-at", "-pk")[:20]
    )
    return LeadRouting(lead=lead, entries=entries, waiting=Waiting.objects.filter(lead=lead).first())
