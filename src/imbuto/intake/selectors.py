"""Permission-scoped reads of intake data: sources, engagement, merges, duplicates, referrals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imbuto.core import permissions
from imbuto.core.errors import NotFound
from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead
from imbuto.leads.selectors import LeadRef, lead_get, lead_refs, visible_leads

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


MERGE_FACTS = frozenset({"id", "pk", "survivor_id", "merged_id", "at", "actor", "actor_id", "automatic",
                         "score", "rule", "reason", "source", "source_id"})


@dataclass(frozen=True)
class MergeView:
    """A merge as one viewer may see it (MergeOut and the merge pages read this, never a LeadMerge).

    A merge belongs to its survivor: who may see the surviving lead sees all of it, including the
    merged lead's values folded in (they are the survivor's history now). Who may see only the merged
    lead (its former owner, their manager) learns when, by whom and why it was merged, and the
    survivor's id; the values (filled, differing, incoming) describe the survivor and stay hidden."""

    merge: LeadMerge
    survivor_ref: LeadRef
    merged_ref: LeadRef | None

    def __getattr__(self, name: str) -> Any:
        # Only the merge's own facts pass through; the two Lead objects never do.
        if name in MERGE_FACTS:
            return getattr(self.merge, name)
        raise AttributeError(name)

    @property
    def survivor_visible(self) -> bool:
        return self.survivor_ref.visible

    @property
    def merged_visible(self) -> bool:
        return self.merged_ref is not None and self.merged_ref.visible

    @property
    def filled_values(self) -> dict[str, Any]:
        return self.merge.filled_values if self.survivor_visible else {}

    @property
    def differing_values(self) -> dict[str, Any]:
        return self.merge.differing_values if self.survivor_visible else {}

    @property
    def incoming(self) -> dict[str, Any]:
        return self.merge.incoming if self.survivor_visible else {}


def merge_views(user: Any, merges: list[LeadMerge]) -> list[MergeView]:
    """Project merges for `user` (one query for every lead they name)."""
    refs = lead_refs(user, [i for m in merges for i in (m.survivor_id, m.merged_id)])
    return [MergeView(m, refs[m.survivor_id], refs[m.merged_id] if m.merged_id else None) for m in merges]


def merge_view(user: Any, merge: LeadMerge) -> MergeView:
    return merge_views(user, [merge])[0]


def lead_merges(user: Any, lead_id: int) -> list[MergeView]:
    """Merges into (or of) this lead, newest first, as the user may see them."""
    lead = lead_get(user, lead_id)
    merges = (LeadMerge.objects.filter(Q(survivor=lead) | Q(merged=lead))
              .select_related("actor", "source", "source__channel").order_by("-at", "-id"))
    return merge_views(user, list(merges))


def merge_get(user: Any, merge_id: int) -> MergeView:
    """One merge, for a user who may see either of its leads; to anyone else it does not exist."""
    merge = (LeadMerge.objects.select_related("survivor", "merged", "actor", "source")
             .filter(pk=merge_id).first())
    view = merge_view(user, merge) if merge is not None else None
    if view is None or not (view.survivor_visible or view.merged_visible):
        raise NotFound(_("No such merge."))
    return view


# Said instead of naming a lead the caller may not see (see hide_unseen_leads).
UNSEEN_MESSAGES = {
    "existing": gettext_lazy("This person is already a lead in someone else's care: what you sent was "
                             "added to that lead, and its owner can see it."),
    "created": gettext_lazy("The lead was created in someone else's care: you may not open it."),
    "duplicate_of": gettext_lazy("This may be the same person as a lead in someone else's care: the pair "
                                 "waits in the duplicates review."),
}


def _unseen_message(answer: dict[str, Any], name: str) -> str:
    if name == "lead_id":
        outcome = answer.get("lead_outcome") or answer.get("outcome")
        name = "created" if outcome in ("created", "flagged") else "existing"
    return str(UNSEEN_MESSAGES[name])


def hide_unseen_leads(user: Any, answers: list[dict[str, Any]],
                      fields: tuple[str, ...] = ("lead_id", "duplicate_of"),
                      loaded: Any = ()) -> list[dict[str, Any]]:
    """Intake answers (one per record or event) without any lead the caller may not see: its id becomes
    null and `message` says why, so intake never tells a caller who owns what or where. The record
    itself was still merged: one person, one lead. One query per 5,000 ids, none for who sees all
    (nor for `loaded` leads the caller owns)."""
    refs = lead_refs(user, [a.get(f) for a in answers for f in fields], names=False, loaded=loaded)
    for answer in answers:
        answer.setdefault("message", None)
        for name in fields:
            if answer.get(name) is not None and not refs[answer[name]].visible:
                answer["message"] = answer["message"] or _unseen_message(answer, name)
                answer[name] = None
    return answers


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


def lead_referrals(user: Any, lead_id: int) -> dict[str, list[dict[str, Any]]]:
    """Who referred this lead, and whom this lead referred: each {"referral", "lead"}, the other lead
    as a LeadRef (named only if the user may see it)."""
    lead = lead_get(user, lead_id)
    received = list(Referral.objects.filter(lead=lead).select_related("referrer_contact", "referrer_account"))
    made = list(Referral.objects.filter(referrer_lead=lead))
    refs = lead_refs(user, [r.referrer_lead_id for r in received] + [r.lead_id for r in made])
    return {
        "received": [{"referral": r, "lead": refs.get(r.referrer_lead_id) if r.referrer_lead_id else None}
                     for r in received],
        "made": [{"referral": r, "lead": refs[r.lead_id]} for r in made],
    }


def matcher_learned_from() -> int:
    """How many review decisions the matcher's current weights learned from (0: the defaults)."""
    from .pipeline.matcher import current_weights

    return current_weights()[1]
