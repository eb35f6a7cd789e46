"""Intake endpoints: batch intake with per-record answers, engagement events, sources, duplicates,
merges, referrals and re-engagement. Thin adapters over the pipeline, services and selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status

from imbuto.core.errors import DomainError, NotFound, ValidationFailed
from imbuto.core.process_cache import ProcessCache
from imbuto.leads.models import Account, Campaign, Channel, Contact, Lead
from imbuto.leads.schemas import LeadOut
from imbuto.leads.selectors import lead_get
from imbuto.users.models import Team, User

from . import selectors, services
from .models import SourceKind
from .pipeline import SourceRef, bulk, ingest, summarize
from .pipeline.engagement import record_events
from .pipeline.idempotency import HEADER, KEY_SCHEMA, run_once
from .pipeline.refs import as_id
from .schemas import (
    MAX_BATCH,
    BatchIn,
    BatchOut,
    DismissIn,
    DuplicateListOut,
    DuplicateMergeIn,
    DuplicateResolvedOut,
    EngagementListOut,
    EventsIn,
    EventsOut,
    MergeIn,
    MergeListOut,
    MergeOut,
    ReengageIn,
    ReferralIn,
    ReferralOut,
    SourceListOut,
    duplicate_resolved,
)

router = Router(tags=["intake"])


class TooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Paging(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9)


def _client_reference(request: HttpRequest) -> str:
    user = request.auth
    return f"api:{getattr(user, 'username', '')}"


def _check_size(items: list[Any], name: str) -> None:
    if len(items) > MAX_BATCH:
        raise TooLarge(_("At most %(max)s records per request; this one has %(n)s. Split it into batches.")
                       % {"max": f"{MAX_BATCH:,}", "n": f"{len(items):,}"}, fields={name: [_("Too many.")]})
    if not items:
        raise ValidationFailed(_("Send at least one record."), fields={name: [_("Empty.")]})


def _json(status: int, body: Any, replayed: bool) -> JsonResponse:
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# ---- leads: batch and single ------------------------------------------------------------------------

@router.post("/leads/batch", response={200: BatchOut}, summary="Create or merge up to 10,000 leads")
def lead_batch(request: HttpRequest, payload: BatchIn,
               idempotency_key: str | None = Header(None, alias=HEADER, **KEY_SCHEMA)) -> HttpResponse:
    """Every record goes through the intake pipeline; the answer says, per record and in order, whether
    it was created, merged into an existing lead, flagged as a possible duplicate, or rejected (with
    the reasons per field). Good records go in even when others are rejected."""
    _check_size(payload.leads, "leads")

    def work() -> tuple[int, Any]:
        results = ingest(payload.leads, actor=request.auth,
                         source=SourceRef(kind=SourceKind.API, reference=_client_reference(request)))
        answers = selectors.hide_unseen_leads(request.auth, [r.as_dict() for r in results])
        return 200, {"results": answers, "summary": summarize(results)}

    status, body, replayed = run_once(client=request.auth, endpoint="leads.batch", key=idempotency_key,
                                      body=payload.leads, work=work)
    return _json(status, body, replayed)


def _record_from(payload: Schema) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """(pipeline record, owner, referrers) from a LeadIn body."""
    data = payload.model_dump(exclude_unset=True)
    owner_ref = data.pop("owner", None)
    referrers = {k: data.pop(k) for k in ("referrer_contact", "referrer_account") if k in data}
    record = {k: (v.isoformat() if isinstance(v, dt.datetime | dt.date) else v)
              for k, v in data.items() if v is not None}
    owner = None
    if owner_ref is not None:
        qs = User.objects.filter(is_active=True).select_related("team")
        owner = (qs.filter(username=owner_ref).first() if isinstance(owner_ref, str) else None) or (
            qs.filter(pk=pk).first() if (pk := as_id(owner_ref)) is not None else None)
        if owner is None:
            raise ValidationFailed(_("No active user with id or username %(v)r.") % {"v": owner_ref},
                                   fields={"owner": [_("Unknown user.")]})
    return record, owner, _referrers(referrers)


def _referrers(ids: dict[str, int | None]) -> dict[str, Any]:
    """Referrer contact/account objects from their ids; an unknown id is a 422 on that field."""
    found: dict[str, Any] = {}
    for name, model in (("referrer_contact", Contact), ("referrer_account", Account)):
        if ids.get(name) is not None:
            found[name] = model.objects.filter(pk=ids[name]).first()
            if found[name] is None:
                raise ValidationFailed(_("No such %(what)s: %(id)s.") % {"what": name, "id": ids[name]},
                                       fields={name: [_("Unknown id.")]})
    return found


# The answer to a single-lead POST shows the lead with its channel, campaign, owner and team names.
# Channels, campaigns and teams are few and rarely edited: kept for a few seconds (core.process_cache)
# instead of being joined on every request.
RELATED = ProcessCache("intake_answer_related", seconds=10.0, models=[Channel, Campaign, Team])


def _related_object(model: type[Model], pk: int) -> Model | None:
    hit = RELATED.get_many([(model, pk)])
    if hit:
        return hit[(model, pk)]
    obj = model.objects.filter(pk=pk).first()
    if obj is not None:
        RELATED.put_many({(model, pk): obj})
    return obj


def _lead_for_answer(pk: int, people: tuple[Any, ...]) -> Lead:
    """The lead as the answer shows it, in one query: channel, campaign and team from the cache above,
    the owner from the users at hand (the caller, the requested owner) when it is one of them.
    Anything not primed here loads lazily, so the answer is always complete."""
    lead = bulk.read_one(Lead, pk)
    for name, model in (("channel", Channel), ("campaign", Campaign), ("team", Team)):
        ref = getattr(lead, f"{name}_id")
        if ref is not None and (obj := _related_object(model, ref)) is not None:
            Lead._meta.get_field(name).set_cached_value(lead, obj)
    for person in people:
        if person is not None and lead.owner_id is not None and getattr(person, "pk", None) == lead.owner_id:
            Lead._meta.get_field("owner").set_cached_value(lead, person)
            break
    return lead


def lead_create_one(request: HttpRequest, payload: Schema, idempotency_key: str | None) -> HttpResponse:
    """POST /api/v1/leads through the pipeline: 201 created or flagged, 200 merged, 422 rejected."""
    record, owner, referrers = _record_from(payload)

    def work() -> tuple[int, Any]:
        result = ingest([record], actor=request.auth, owner=owner,
                        source=SourceRef(kind=SourceKind.API, reference=_client_reference(request)))[0]
        if result.outcome == "rejected":
            first = next(iter(result.errors.values()), [_("The record was rejected.")])[0]
            return 422, {"error": {"code": "validation_error", "message": first, "fields": result.errors}}
        lead = _lead_for_answer(result.lead_id, (owner, request.auth))
        if referrers:
            services.referral_record(actor=None, lead=lead, **referrers)
            lead.refresh_from_db()
        [answer] = selectors.hide_unseen_leads(request.auth, [result.as_dict()], loaded=(lead,))
        status = 200 if result.outcome == "merged" else 201
        if answer["lead_id"] is None:
            # Merged into a lead the caller may not see: say so without showing it, not even its id.
            return status, {"outcome": result.outcome, "lead": None, "message": answer["message"],
                            "warnings": result.warnings}
        extra = {"outcome": result.outcome, "duplicate_of": answer["duplicate_of"],
                 "warnings": result.warnings, "message": answer["message"]}
        return status, {**LeadOut.from_orm(lead).model_dump(mode="json"), **extra}

    body = payload.model_dump(mode="json", exclude_unset=True) if idempotency_key is not None else None
    status, body, replayed = run_once(client=request.auth, endpoint="leads.create", key=idempotency_key,
                                      body=body, work=work)
    return _json(status, body, replayed)


# ---- sources, engagement, merges of one lead ------------------------------------------------------

@router.get("/leads/{int:lead_id}/sources", response=SourceListOut)
def lead_sources(request: HttpRequest, lead_id: int) -> Any:
    """Every channel reference merged into the lead, oldest first, with file name and row number for
    imported rows."""
    return {"items": list(selectors.lead_sources(request.auth, lead_id))}


@router.get("/leads/{int:lead_id}/engagement", response=EngagementListOut)
def lead_engagement(request: HttpRequest, lead_id: int, paging: Query[Paging]) -> Any:
    return {"items": selectors.lead_engagement(request.auth, lead_id, limit=paging.limit)}


@router.get("/leads/{int:lead_id}/merges", response=MergeListOut)
def lead_merges(request: HttpRequest, lead_id: int) -> Any:
    """Merges into (or of) this lead: what was folded in, what differed, when and by whom. Values of a
    surviving lead you may not see are left out (`survivor_visible` false)."""
    return {"items": selectors.lead_merges(request.auth, lead_id)}


@router.get("/merges/{int:merge_id}", response=MergeOut)
def merge_read(request: HttpRequest, merge_id: int) -> Any:
    """One merge, if you may see either lead; values of a surviving lead you may not see are left out."""
    return selectors.merge_get(request.auth, merge_id)


@router.post("/leads/{int:lead_id}/merge", response=MergeOut)
def lead_merge(request: HttpRequest, lead_id: int, payload: MergeIn) -> Any:
    """Fold lead `other` into this lead (this one survives)."""
    survivor = lead_get(request.auth, lead_id)
    try:
        merged = lead_get(request.auth, payload.other)
    except NotFound:
        message = _("No such lead: %(id)s.") % {"id": payload.other}
        raise NotFound(message, fields={"other": [message]}) from None
    merge = services.lead_merge(actor=request.auth, survivor=survivor, merged=merged, reason=payload.reason)
    return selectors.merge_view(request.auth, merge)


@router.post("/leads/{int:lead_id}/referral", response={201: ReferralOut})
def lead_referral(request: HttpRequest, lead_id: int, payload: ReferralIn) -> Any:
    """Record who referred this lead: a contact, an account (customer) or another lead."""
    lead = lead_get(request.auth, lead_id)
    found = _referrers({"referrer_contact": payload.referrer_contact,
                        "referrer_account": payload.referrer_account})
    if payload.referrer_lead is not None:
        try:
            found["referrer_lead"] = lead_get(request.auth, payload.referrer_lead)
        except NotFound:
            raise ValidationFailed(_("No such lead."), fields={"referrer_lead": [_("Unknown.")]}) from None
    return Status(201, services.referral_record(actor=request.auth, lead=lead, note=payload.note, **found))


@router.post("/leads/{int:lead_id}/reengage", response=LeadOut)
def lead_reengage(request: HttpRequest, lead_id: int, payload: ReengageIn) -> Any:
    """A parked or lost lead becomes a lead again in the lost-opportunity re-engagement channel."""
    lead = lead_get(request.auth, lead_id)
    services.lead_reengage(actor=request.auth, lead=lead, reason=payload.reason)
    return lead_get(request.auth, lead_id)


# ---- engagement events ---------------------------------------------------------------------------------

@router.post("/events", response={200: EventsOut})
def events_create(request: HttpRequest, payload: EventsIn,
                  idempotency_key: str | None = Header(None, alias=HEADER, **KEY_SCHEMA)) -> HttpResponse:
    """Engagement events (content views, likes, reactions, email opens/clicks, social interactions,
    webinar attendance, chat messages), matched to leads by `lead_id`, `email` or `external_id`.
    Unknown people become suspects. Events with an `id` already stored answer "duplicate"."""
    _check_size(payload.events, "events")

    def work() -> tuple[int, Any]:
        results = selectors.hide_unseen_leads(request.auth, record_events(payload.events, actor=request.auth),
                                              fields=("lead_id",))
        summary = {"recorded": 0, "duplicate": 0, "rejected": 0, "leads_created": 0}
        for r in results:
            summary[r["outcome"]] += 1
            summary["leads_created"] += r["lead_outcome"] in ("created", "flagged")
        return 200, {"results": results, "summary": summary}

    status, body, replayed = run_once(client=request.auth, endpoint="events", key=idempotency_key,
                                      body=payload.events, work=work)
    return _json(status, body, replayed)


# ---- duplicate review ---------------------------------------------------------------------------------

@router.get("/duplicates", response=DuplicateListOut)
def duplicate_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    """Open possible duplicates where you may see both leads, most likely first."""
    return {"items": selectors.duplicate_list(request.auth, limit=paging.limit, offset=paging.offset),
            "count": selectors.duplicate_count(request.auth)}


@router.post("/duplicates/{int:pair_id}/merge", response=DuplicateResolvedOut)
def duplicate_merge(request: HttpRequest, pair_id: int, payload: DuplicateMergeIn | None = None) -> Any:
    """Merge the pair; the survivor rule chooses unless `survivor` names one of the two leads."""
    pair = selectors.duplicate_get(request.auth, pair_id)
    survivor = None
    if payload is not None and payload.survivor is not None:
        survivor = Lead.objects.filter(pk=payload.survivor).first()
        if survivor is None:
            raise ValidationFailed(_("No such lead."), fields={"survivor": [_("Unknown.")]})
    merge = services.duplicate_merge(actor=request.auth, candidate=pair, survivor=survivor)
    pair.refresh_from_db()
    return duplicate_resolved(pair, selectors.merge_view(request.auth, merge))


@router.post("/duplicates/{int:pair_id}/dismiss", response=DuplicateResolvedOut)
def duplicate_dismiss(request: HttpRequest, pair_id: int, payload: DismissIn | None = None) -> Any:
    """Not a duplicate: close the pair."""
    pair = selectors.duplicate_get(request.auth, pair_id)
    pair = services.duplicate_dismiss(actor=request.auth, candidate=pair,
                                      reason=payload.reason if payload else "")
    return duplicate_resolved(pair)
