"""Intake writes besides the pipeline itself: manual merge, duplicate review, referrals, re-engagement,
and housekeeping (expired Idempotency-Key answers).

Each checks permissions through imbuto.core.permissions before its transaction (so an audited denial
is not rolled back), writes history, and emits events after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, explain, history, permissions
from imbuto.core.errors import Conflict, InvalidTransition, ValidationFailed
from imbuto.core.types import Actor
from imbuto.leads.choices import Stage
from imbuto.leads.events import LeadMerged, LeadReengaged, LeadReferred
from imbuto.leads.models import Account, Channel, Contact, Lead

from .models import (
    DuplicateCandidate,
    DuplicateStatus,
    IdempotencyRecord,
    LeadMerge,
    LeadSource,
    MatchKey,
    Referral,
    SourceKind,
)
from .pipeline import matcher
from .pipeline.merge import choose_survivor, fold, lead_values, repoint_relations
from .pipeline.write import history_changes

REENGAGE_FROM = (Stage.PARKED, Stage.DISCARDED)


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


# ---- merge -------------------------------------------------------------------------------------------

def lead_merge(*, actor: Actor, survivor: Lead, merged: Lead, reason: str = "") -> LeadMerge:
    """Fold `merged` into `survivor`: empty fields filled, differing values kept, every relation moved.

    The merged lead is kept (with its own history) and points at the survivor through merged_into."""
    permissions.require(actor, "change", survivor)
    permissions.require(actor, "change", merged)
    return _lead_merge(actor=actor, survivor_id=survivor.pk, merged_id=merged.pk, reason=reason,
                       automatic=False)


@transaction.atomic
def _lead_merge(*, actor: Actor, survivor_id: int, merged_id: int, reason: str, automatic: bool,
                score: float | None = None, rule: str = "") -> LeadMerge:
    if survivor_id == merged_id:
        raise ValidationFailed(_("A lead cannot be merged with itself."), fields={"other": [_("Same lead.")]})
    leads = {lead.pk: lead for lead in Lead.objects.select_for_update().filter(
        pk__in=[survivor_id, merged_id]).order_by("pk")}
    survivor, merged = leads.get(survivor_id), leads.get(merged_id)
    if survivor is None or merged is None:
        raise Conflict(_("One of the two leads no longer exists."))
    for lead in (survivor, merged):
        if lead.merged_into_id:
            raise Conflict(_("Lead %(id)s was already merged into lead %(into)s.")
                           % {"id": lead.pk, "into": lead.merged_into_id})
    filled, differing = fold(survivor, lead_values(merged), merged.quality_flags)
    if merged.stage != survivor.stage:
        differing["stage"] = [survivor.stage, merged.stage]
    now = timezone.now()
    if filled:
        survivor.updated_at = now
        survivor.save()
    moved = repoint_relations(survivor, merged, actor)
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    _carry_keys(survivor, merged)
    merge = LeadMerge.objects.create(
        survivor=survivor, merged=merged, at=now, actor=_user(actor), automatic=automatic, score=score,
        rule=rule or "merge.chosen_by_person", reason=reason,  # codes (intake/explanations.py)
        filled_values={k: history.jsonable(v[1]) for k, v in filled.items()},
        differing_values={k: [history.jsonable(x) for x in v] for k, v in differing.items()},
    )
    why = explain.explanation(reason) if explain.is_known(reason) else None
    reason = "" if why else reason
    history.record(survivor, actor=actor, action="merged", reason=reason, why=why,
                   changes=history_changes(filled),
                   data={"merged_lead": merged.pk, "merge": merge.pk, "differing": merge.differing_values,
                         "moved": moved})
    history.record(merged, actor=actor, action="merged_into", reason=reason, why=why,
                   changes={"merged_into": [None, survivor.pk]}, data={"merge": merge.pk})
    events.emit(LeadMerged(lead_ids=(survivor.pk,), merged_ids=(merged.pk,), merge_ids=(merge.pk,),
                           via="merge", actor_id=events.actor_id_of(actor)))
    return merge


def _carry_keys(survivor: Lead, merged: Lead) -> None:
    """The survivor answers to the merged lead's identity from now on (its email, phone, names...)."""
    keys = matcher.lead_keys(survivor) | matcher.lead_keys(merged)
    MatchKey.objects.bulk_create([MatchKey(lead_id=survivor.pk, key=k) for k in sorted(keys)],
                                 ignore_conflicts=True)


# ---- duplicate review ----------------------------------------------------------------------------------

def _open_candidate(candidate: DuplicateCandidate) -> DuplicateCandidate:
    if candidate.status != DuplicateStatus.OPEN:
        raise Conflict(_("This possible duplicate was already reviewed (%(status)s).")
                       % {"status": candidate.get_status_display()})
    return candidate


def duplicate_merge(*, actor: Actor, candidate: DuplicateCandidate,
                    survivor: Lead | None = None) -> LeadMerge:
    """Confirm a possible duplicate: merge the pair, the survivor chosen by the documented rule."""
    _open_candidate(candidate)
    a, b = Lead.objects.get(pk=candidate.lead_id), Lead.objects.get(pk=candidate.candidate_id)
    permissions.require(actor, "change", a)
    permissions.require(actor, "change", b)
    if survivor is not None:
        if survivor.pk not in (a.pk, b.pk):
            raise ValidationFailed(_("The survivor must be one of the two leads."),
                                   fields={"survivor": [_("Not part of this pair.")]})
        keep, other = (a, b) if survivor.pk == a.pk else (b, a)
    else:
        keep, other = choose_survivor(a, b)
    return _lead_merge(actor=actor, survivor_id=keep.pk, merged_id=other.pk, automatic=False,
                       reason="merge.duplicate_confirmed", score=candidate.score,
                       rule="" if survivor is not None else "merge.stage_then_older")


def duplicate_dismiss(*, actor: Actor, candidate: DuplicateCandidate, reason: str = "") -> DuplicateCandidate:
    """Not the same person or company: close the pair so it is not offered again."""
    _open_candidate(candidate)
    a, b = Lead.objects.get(pk=candidate.lead_id), Lead.objects.get(pk=candidate.candidate_id)
    permissions.require(actor, "change", a)
    permissions.require(actor, "change", b)
    with transaction.atomic():
        updated = DuplicateCandidate.objects.filter(pk=candidate.pk, status=DuplicateStatus.OPEN).update(
            status=DuplicateStatus.DISMISSED, resolved_at=timezone.now(), resolved_by=_user(actor))
        if not updated:
            raise Conflict(_("This possible duplicate was already reviewed."))
        for lead, other in ((a, b), (b, a)):
            history.record(lead, actor=actor, action="duplicate_dismissed", reason=reason,
                           data={"other_lead": other.pk, "score": candidate.score})
    candidate.refresh_from_db()
    return candidate


# ---- referrals -----------------------------------------------------------------------------------------

def referral_record(*, actor: Actor, lead: Lead, referrer_contact: Contact | None = None,
                    referrer_account: Account | None = None, referrer_lead: Lead | None = None,
                    note: str = "") -> Referral:
    """Record who referred `lead`: linked on both records and counted for the referrer."""
    if not (referrer_contact or referrer_account or referrer_lead):
        raise ValidationFailed(_("Say who referred the lead: a contact, an account or a lead."),
                               fields={"referrer": [_("Required.")]})
    if referrer_lead is not None and referrer_lead.pk == lead.pk:
        raise ValidationFailed(_("A lead cannot refer itself."), fields={"referrer_lead": [_("Same lead.")]})
    permissions.require(actor, "change", lead)
    if referrer_lead is not None:
        permissions.require(actor, "view", referrer_lead)
    return _referral_record(actor=actor, lead=lead, contact=referrer_contact, account=referrer_account,
                            referrer_lead=referrer_lead, note=note)


@transaction.atomic
def _referral_record(*, actor: Actor, lead: Lead, contact: Contact | None, account: Account | None,
                     referrer_lead: Lead | None, note: str) -> Referral:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.merged_into_id:
        raise Conflict(_("This lead was merged into lead %(id)s; record the referral there.")
                       % {"id": lead.merged_into_id})
    referral = Referral.objects.create(lead=lead, referrer_contact=contact, referrer_account=account,
                                       referrer_lead=referrer_lead, note=note, recorded_by=_user(actor))
    channel = Channel.objects.filter(slug="referral").first()
    changes: dict[str, list[Any]] = {}
    if contact is not None and lead.referrer_contact_id != contact.pk:
        changes["referrer_contact"] = [lead.referrer_contact_id, contact.pk]
        lead.referrer_contact = contact
    if account is not None and lead.referrer_account_id != account.pk:
        changes["referrer_account"] = [lead.referrer_account_id, account.pk]
        lead.referrer_account = account
    if lead.channel_id is None and channel is not None:
        changes["channel"] = [None, channel.pk]
        lead.channel = channel
    if changes:
        lead.save()
    reference = ", ".join(f"{kind}:{obj.pk}" for kind, obj in
                          (("contact", contact), ("account", account), ("lead", referrer_lead)) if obj)
    LeadSource.objects.create(lead=lead, original_lead_id=lead.pk, kind=SourceKind.REFERRAL, channel=channel,
                              reference=reference[:200], outcome="referral",
                              payload={"referral": referral.pk, "note": note[:2000]})
    history.record(lead, actor=actor, action="referral_recorded", changes=changes, reason=note,
                   data={"referral": referral.pk, "referrer": reference})
    for referrer in (contact, account, referrer_lead):
        if referrer is not None:
            history.record(referrer, actor=actor, action="referral_made", reason=note,
                           data={"referral": referral.pk, "lead": lead.pk})
    events.emit(LeadReferred(lead_ids=(lead.pk,), referral_ids=(referral.pk,),
                             actor_id=events.actor_id_of(actor)))
    return referral


# ---- lost-opportunity re-engagement -----------------------------------------------------------------

def lead_reengage(*, actor: Actor, lead: Lead, reason: str = "") -> Lead:
    """A parked or lost lead becomes a lead again, in the lost-opportunity re-engagement channel."""
    permissions.require(actor, "change", lead)
    if lead.stage not in REENGAGE_FROM:
        raise InvalidTransition(
            _("Only a parked or discarded (lost) lead can be re-engaged; this one is %(stage)s.")
            % {"stage": lead.get_stage_display()}, fields={"stage": [_("Not parked or lost.")]})
    return _lead_reengage(actor=actor, lead=lead, reason=reason)


@transaction.atomic
def _lead_reengage(*, actor: Actor, lead: Lead, reason: str) -> Lead:
    from imbuto.leads.services import lead_transition

    previous = {"stage": lead.stage, "disposition_reason": lead.disposition_reason}
    lead = lead_transition(actor=actor, lead=lead, to=Stage.LEAD, reason=reason,
                           why=None if reason else explain.explanation("intake.reengaged"))
    channel = Channel.objects.get(slug="lost-opportunity")
    if lead.channel_id != channel.pk:
        old = lead.channel_id
        lead.channel = channel
        lead.save(update_fields=["channel", "updated_at"])
        history.record(lead, actor=actor, action="updated", reason=reason,
                       changes={"channel": [old, channel.pk]})
    LeadSource.objects.create(lead=lead, original_lead_id=lead.pk, kind=SourceKind.REENGAGEMENT,
                              channel=channel, reference=reason[:200], outcome="reengaged",
                              payload={"from": previous})
    events.emit(LeadReengaged(lead_ids=(lead.pk,), actor_id=events.actor_id_of(actor)))
    return lead


# ---- housekeeping ------------------------------------------------------------------------------------

PRUNE_BATCH = 5000


def idempotency_prune(*, older_than_hours: int | None = None, now: dt.datetime | None = None) -> int:
    """Delete Idempotency-Key answers older than IMBUTO_IDEMPOTENCY_TTL_HOURS (default 48); returns how
    many. A retry after that long runs as a new request. Deleted in batches of short transactions, so
    a big backlog never holds the table for long (SQLite has one writer)."""
    hours = older_than_hours if older_than_hours is not None else settings.IMBUTO_IDEMPOTENCY_TTL_HOURS
    cutoff = (now or timezone.now()) - dt.timedelta(hours=hours)
    old = IdempotencyRecord.objects.filter(created_at__lt=cutoff).order_by("id").values_list("id", flat=True)
    deleted = 0
    while ids := list(old[:PRUNE_BATCH]):
        with transaction.atomic():
            deleted += IdempotencyRecord.objects.filter(id__in=ids).delete()[0]
    return deleted


def lead_capture(*, actor: Actor, data: dict[str, Any]) -> tuple[Lead, str, int | None]:
    """A lead typed in by a person (the UI's New lead form): a batch of one through the intake
    pipeline like every other channel, so it is normalised, and a person who is already a lead is
    merged into that lead (or flagged for review) instead of becoming a second one.

    `data` holds form values (model instances for channel, campaign and owner). Returns (lead,
    outcome, possible duplicate's id); a rejected record raises ValidationFailed with the per-field
    reasons, a person without the right raises PermissionDenied, as the API does."""
    from .pipeline import SourceRef, ingest

    data = dict(data)
    owner = data.pop("owner", None)
    record: dict[str, Any] = {}
    for name, value in data.items():
        if value is None or value == "":
            continue
        if name == "channel":
            value = value.slug
        elif name == "campaign":
            value = value.pk
        elif isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        record[name] = value
    source = SourceRef(kind=SourceKind.MANUAL, reference=f"ui:{getattr(actor, 'username', '')}"[:200])
    result = ingest([record], actor=actor, owner=owner, source=source)[0]
    if result.outcome == "rejected":
        first = next(iter(result.errors.values()), [_("The record was rejected.")])[0]
        raise ValidationFailed(first, fields=result.errors)
    assert result.lead_id is not None  # every outcome but "rejected" names its lead
    return Lead.objects.get(pk=result.lead_id), result.outcome, result.duplicate_of
