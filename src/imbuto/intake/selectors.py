"""Permission-scoped reads of intake data: sources, engagement, merges, duplicates, referrals."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound
from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead
from imbuto.leads.selectors import lead_get, visible_leads

from .models import DuplicateCandidate, DuplicateStatus, EngagementEvent, LeadMerge, LeadSource, Referral


def lead_sources(user: Any, lead_id: int) -> QuerySet[LeadSource]:
    """Every channel reference that landed on the lead, including those of leads merged into it."""
    lead = lead_get(user, lead_id)
    return (LeadSource.objects.filter(lead=lead).select_related("channel", "campaign")
            .order_by("received_at", "id"))


def lead_engagement(user: Any, lead_id: int, limit: int = 100) -> list[EngagementEvent]:
    lead = lead_get(user, lead_id)
    return list(EngagementEvent.objects.filter(lead=lead).select_related("channel", "campaign")
                .order_by("-occurred_at", "-id")[:limit])


def merged_ids(lead: Lead) -> list[int]:
    """Leads folded into `lead` (merge chains are flattened, so one level is all there is)."""
    return list(Lead.objects.filter(merged_into=lead).values_list("id", flat=True))


def lead_history_with_merged(user: Any, lead_id: int) -> QuerySet[HistoryEntry]:
    """The survivor's history and the history of every lead merged into it, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    lead = lead_get(user, lead_id)
    ct = ContentType.objects.get_for_model(Lead)
    return (HistoryEntry.objects.filter(object_type=ct, object_id__in=[lead.pk, *merged_ids(lead)])
            .select_related("actor").order_by("at", "id"))


def lead_merges(user: Any, lead_id: int) -> QuerySet[LeadMerge]:
    """Merges into (or of) this lead, newest first."""
    lead = lead_get(user, lead_id)
    return (LeadMerge.objects.filter(Q(survivor=lead) | Q(merged=lead))
            .select_related("actor", "source", "source__channel").order_by("-at", "-id"))


def merge_get(user: Any, merge_id: int) -> LeadMerge:
    merge = (LeadMerge.objects.select_related("survivor", "merged", "actor", "source")
             .filter(pk=merge_id).first())
    if merge is None or not permissions.can(user, "view", merge.survivor):
        raise NotFound(_("No such merge."))
    return merge


def duplicate_list(user: Any, *, limit: int = 50, offset: int = 0) -> list[DuplicateCandidate]:
    """Open possible duplicates where the user may see both leads, most likely first."""
    return list(
        _open_pairs(user)
        .select_related("lead", "candidate", "lead__owner", "candidate__owner", "lead__channel",
                        "candidate__channel")
        .order_by("-score", "id")[offset:offset + limit]
    )


def _open_pairs(user: Any) -> QuerySet[DuplicateCandidate]:
    visible = visible_leads(user).values("id")
    return DuplicateCandidate.objects.filter(status=DuplicateStatus.OPEN, lead__in=visible,
                                             candidate__in=visible)


def duplicate_count(user: Any) -> int:
    return _open_pairs(user).count()


def duplicate_get(user: Any, candidate_id: int) -> DuplicateCandidate:
    """One pair; a pair with a lead outside the user's scope is not acknowledged to exist."""
    pair = (DuplicateCandidate.objects.select_related("lead", "candidate").filter(pk=candidate_id).first())
    if pair is None or not (permissions.can(user, "view", pair.lead)
                            and permissions.can(user, "view", pair.candidate)):
        raise NotFound(_("No such possible duplicate."))
    return pair


def referrals_made(referrer: Any) -> QuerySet[Referral]:
    """Referrals credited to a contact, an account or a lead (countable in reports)."""
    field = {"contact": "referrer_contact", "account": "referrer_account", "lead": "referrer_lead"}[
        referrer._meta.model_name]
    return Referral.objects.filter(**{field: referrer}).select_related("lead")


def lead_referrals(user: Any, lead_id: int) -> dict[str, list[Referral]]:
    """Who referred this lead, and whom this lead referred."""
    lead = lead_get(user, lead_id)
    return {
        "received": list(Referral.objects.filter(lead=lead).select_related(
            "referrer_contact", "referrer_account", "referrer_lead")),
        "made": list(Referral.objects.filter(referrer_lead=lead).select_related("lead")),
    }
