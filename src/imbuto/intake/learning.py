"""The review queue trains this instance's matcher: every merged or dismissed possible duplicate is a
labelled pair; `learn_from_reviews` refits the weights (matching.learn), keeps each version with its
figures (intake.MatchModel, history) and adopts a refit only when it beats the current weights."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from imbuto.core.history import record

from .models import DuplicateCandidate, DuplicateStatus, MatchModel

MAX_PAIRS = 5000         # the newest decisions used


def review_pairs(limit: int = MAX_PAIRS) -> list[tuple[dict[str, Any], dict[str, Any], bool]]:
    """(record, record, same?) for the newest resolved pairs: merged = same, dismissed = different.
    Both leads keep their own values after a merge (the merged one points at its survivor)."""
    from imbuto.leads.models import Lead

    from .pipeline import matcher
    from .pipeline.merge import lead_values

    pairs = list(DuplicateCandidate.objects.filter(
        status__in=(DuplicateStatus.MERGED, DuplicateStatus.DISMISSED)).order_by("-resolved_at", "-id")
        .values_list("lead_id", "candidate_id", "status")[:limit])
    ids = {i for a, b, _ in pairs for i in (a, b)}
    leads = {lead.pk: lead for lead in Lead.objects.filter(pk__in=ids)}

    def as_record(lead: Any) -> dict[str, Any]:
        values = {"id": lead.pk, **lead_values(lead), "quality_flags": lead.quality_flags}
        return matcher.existing_record(values)

    return [(as_record(leads[a]), as_record(leads[b]), status == DuplicateStatus.MERGED)
            for a, b, status in pairs if a in leads and b in leads]


def current_model() -> MatchModel | None:
    return MatchModel.objects.filter(adopted=True).order_by("-id").first()


def learn_from_reviews(*, actor: Any = None) -> MatchModel | None:
    """Refit from the review decisions; store the version (adopted or not). None when there are fewer
    decisions than matching.learn needs, or no new ones since the last version."""
    from .matching.learn import MIN_DECISIONS, learn

    pairs = review_pairs()
    last = MatchModel.objects.order_by("-id").first()
    if len(pairs) < MIN_DECISIONS or (last is not None and last.decisions == len(pairs)):
        return None
    current = current_model()
    result = learn(pairs, current.weights if current else None)
    with transaction.atomic():
        model = MatchModel.objects.create(
            weights=result["weights"] or {}, decisions=result["decisions"], adopted=result["adopt"],
            figures={k: result.get(k) for k in ("current_logloss", "refit_logloss")})
        record(model, actor=actor, action="created", data={"decisions": model.decisions,
                                                           "adopted": model.adopted, **model.figures})
    return model
