"""Data for the intake panels on the lead page (sources, engagement, possible duplicates, referrals):
one tag per panel, each a few scoped queries through intake.selectors."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from imbuto.core import permissions

from .. import selectors
from ..models import DuplicateCandidate, DuplicateStatus, LeadMerge, LeadSource

register = template.Library()
PANEL_ROWS = 20


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag
def lead_sources_panel(lead: Any) -> dict[str, Any]:
    """The lead's channel references (newest first) and how many merges folded into it."""
    sources = list(LeadSource.objects.filter(lead=lead).select_related("channel", "campaign")
                   .order_by("-received_at", "-id")[:PANEL_ROWS])
    return {"sources": sources, "total": LeadSource.objects.filter(lead=lead).count() if sources else 0,
            "merges": LeadMerge.objects.filter(Q(survivor=lead) | Q(merged=lead)).count(),
            "referred_by": list(lead.referrals_received.select_related(
                "referrer_contact", "referrer_account", "referrer_lead")[:5]),
            "referred": lead.referrals_made.count()}


@register.simple_tag
def lead_engagement_panel(lead: Any) -> list[Any]:
    return list(lead.engagements.select_related("channel").order_by("-occurred_at", "-id")[:PANEL_ROWS])


@register.simple_tag(takes_context=True)
def lead_duplicates_panel(context: template.Context, lead: Any) -> list[dict[str, Any]]:
    """Open possible duplicates of this lead whose other lead the user may see too."""
    user = _user(context)
    pairs = (DuplicateCandidate.objects.filter(Q(lead=lead) | Q(candidate=lead), status=DuplicateStatus.OPEN)
             .select_related("lead__owner", "candidate__owner").order_by("-score")[:PANEL_ROWS])
    out = []
    for pair in pairs:
        other = pair.candidate if pair.lead_id == lead.pk else pair.lead
        if other.merged_into_id is None and permissions.can(user, "view", other):
            out.append({"pair": pair, "other": other})
    return out


@register.simple_tag(takes_context=True)
def duplicates_open(context: template.Context) -> int:
    """How many pairs wait for the current user's review (for a badge)."""
    user = _user(context)
    return selectors.duplicate_count(user) if user is not None else 0
