"""Engagement events (B1): content views, likes and reactions, email opens and clicks, social
interactions, webinar attendance, chat messages. Matched to leads by id, email or external id, one
query each for the whole batch; people nobody knows yet become suspects through `ingest`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, jsonbody, permissions
from imbuto.core.types import Actor
from imbuto.leads.events import EngagementRecorded
from imbuto.leads.models import Lead
from imbuto.leads.parsing import parse_when

from ..models import EngagementEvent, EngagementKind, SourceKind
from ..normalize import normalize_email
from .engine import ingest
from .refs import Refs
from .types import SourceRef
from .validate import as_text, clean_text

ALIASES = {"view": "content_view", "open": "email_open", "click": "email_click",
           "webinar": "webinar_attended", "chat": "chat_message", "social": "social_interaction",
           "form": "form_submit"}
CONTENT_TYPES = ("blog", "infographic", "image", "video")
PERSON_FIELDS = ("first_name", "last_name", "company_name", "phone", "job_title", "city", "country",
                 "language")
FIELDS = frozenset(("type", "lead_id", "email", "external_id", "id", "occurred_at", "content_type",
                    "content_ref", "network", "channel", "campaign", "properties", *PERSON_FIELDS))
KIND_CHANNEL = {"email_open": "email-campaign", "email_click": "email-campaign",
                "webinar_attended": "webinar", "chat_message": "website-chat", "form_submit": "web-form"}
MAX_PROPERTIES = 10_000


@dataclass
class Event:
    index: int
    kind: str
    lead_id: int | None = None
    email: str = ""
    external_id: str = ""
    event_id: str = ""
    occurred_at: dt.datetime | None = None
    content_type: str = ""
    content_ref: str = ""
    network: str = ""
    channel: str = ""
    campaign: Any = None
    properties: dict[str, Any] = field(default_factory=dict)
    person: dict[str, str] = field(default_factory=dict)
    target: int | None = None
    lead_outcome: str | None = None


def channel_for(kind: str, content_type: str, network: str) -> str:
    """The channel an event implies: content-<type>, social-linkedin/other, email-campaign, webinar..."""
    net = network.lower()
    if kind == "social_interaction" or (net and kind in ("like", "reaction", "comment", "share")):
        return "social-linkedin" if net in ("", "linkedin") else "social-other"
    if content_type in CONTENT_TYPES:
        return f"content-{content_type}"
    if kind in KIND_CHANNEL:
        return KIND_CHANNEL[kind]
    return "content-blog" if kind in ("content_view", "like", "reaction", "comment", "share") else "manual"


def _text(raw: dict, name: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = as_text(raw.get(name))
    if value is None:
        errors[name] = [_("Must be text.")]
        return ""
    if len(value) > limit:
        errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
        return ""
    return value


def check_event(index: int, raw: Any) -> tuple[Event | None, dict[str, list[str]]]:
    if not isinstance(raw, dict):
        return None, {"__all__": [_("An event must be an object.")]}
    errors: dict[str, list[str]] = {clean_text(k)[:100]: [_("Unknown field.")] for k in map(str, raw)
                                    if k not in FIELDS}
    kind = ALIASES.get(str(raw.get("type", "")), str(raw.get("type", "")))
    if kind not in EngagementKind.values:
        errors["type"] = [_("Use one of: %(kinds)s.") % {"kinds": ", ".join(EngagementKind.values)}]
    ev = Event(index, kind)
    lead_id = raw.get("lead_id")
    if lead_id is not None:
        if isinstance(lead_id, bool) or not isinstance(lead_id, int | str) or not str(lead_id).isdigit() \
                or not 0 < int(lead_id) < 2**63:
            errors["lead_id"] = [_("Must be a lead id.")]
        else:
            ev.lead_id = int(lead_id)
    ev.email = _text(raw, "email", 254, errors)
    ev.external_id = _text(raw, "external_id", 100, errors)
    ev.event_id = _text(raw, "id", 100, errors)
    ev.content_type = _text(raw, "content_type", 20, errors).lower()
    if ev.content_type and ev.content_type not in CONTENT_TYPES:
        errors["content_type"] = [_("Use one of: %(t)s.") % {"t": ", ".join(CONTENT_TYPES)}]
    ev.content_ref = _text(raw, "content_ref", 300, errors)
    ev.network = _text(raw, "network", 30, errors)
    ev.channel = _text(raw, "channel", 50, errors)
    ev.campaign = raw.get("campaign")
    if ev.campaign is not None and (isinstance(ev.campaign, bool) or as_text(ev.campaign) is None
                                    or len(str(ev.campaign)) > 200):
        errors["campaign"] = [_("Must be a campaign id or name.")]
    for name in PERSON_FIELDS:
        if value := _text(raw, name, 200, errors):
            ev.person[name] = value
    when = raw.get("occurred_at")
    if when not in (None, ""):
        ev.occurred_at = parse_when(str(when)) if isinstance(when, str) else None
        if ev.occurred_at is None:
            errors["occurred_at"] = [_("Not an ISO 8601 date-time.")]
    props = raw.get("properties")
    if props is not None:
        if not isinstance(props, dict) or len(json.dumps(props, default=str)) > MAX_PROPERTIES:
            errors["properties"] = [_("Must be an object of at most %(n)d bytes.") % {"n": MAX_PROPERTIES}]
        elif jsonbody.too_deep(props):
            errors["properties"] = [jsonbody.too_deep_message()]
        else:
            ev.properties = json.loads(json.dumps(props, default=str).replace("\\u0000", ""))
    if ev.email:
        email, problem = normalize_email(ev.email)
        if problem and not (ev.lead_id or ev.external_id):
            errors["email"] = [_("Not a valid email address.")]
        ev.email = "" if problem else email
    if not errors and not (ev.lead_id or ev.email or ev.external_id):
        errors["__all__"] = [_("Say whose event this is: lead_id, email or external_id.")]
    return (None, errors) if errors else (ev, {})


def _resolve(actor: Actor, evs: list[Event]) -> None:
    """Known people: by lead id (within the actor's scope), then email, then external id."""
    def live(pk: int, merged_into: int | None) -> int:
        return merged_into or pk

    ids = {e.lead_id for e in evs if e.lead_id}
    if ids:
        qs = Lead.objects.filter(id__in=ids)
        if actor is not None:
            qs = permissions.restrict(actor, qs, "view")
        found = {pk: live(pk, m) for pk, m in qs.values_list("id", "merged_into_id")}
        for e in evs:
            if e.lead_id:
                e.target = found.get(e.lead_id)
    emails = {e.email for e in evs if e.email and not e.target}
    if emails:
        by_email: dict[str, int] = {}
        rows = (Lead.objects.filter(email__in=emails | {e.lower() for e in emails}).order_by("-id")
                .values_list("id", "merged_into_id", "email"))
        for pk, m, email in rows:
            by_email[email.lower()] = live(pk, m)
        keys = {f"e:{e.lower()}": e.lower() for e in emails}
        # Through the lead table: a key row has no database foreign key (intake.MatchKey).
        matched = Lead.objects.filter(match_keys__key__in=list(keys)).order_by("id")
        for pk, key in matched.values_list("id", "match_keys__key"):
            by_email.setdefault(keys[key], pk)
        for e in evs:
            if not e.target and e.email:
                e.target = by_email.get(e.email.lower())
    externals = {e.external_id for e in evs if e.external_id and not e.target}
    if externals:
        rows = Lead.objects.filter(external_id__in=externals).order_by("-id").values_list(
            "id", "merged_into_id", "external_id")
        by_ext = {ext: live(pk, m) for pk, m, ext in rows}
        for e in evs:
            if not e.target and e.external_id:
                e.target = by_ext.get(e.external_id)
    for e in evs:
        if e.target:
            e.lead_outcome = "existing"


def _create_unknown(actor: Actor, evs: list[Event], errors_out: dict[int, dict[str, list[str]]]) -> None:
    """One suspect per unknown person (grouped by email or external id) through the pipeline."""
    groups: dict[str, list[Event]] = {}
    for e in evs:
        if e.target or e.index in errors_out:
            continue
        if not (e.email or e.external_id):
            errors_out[e.index] = {"lead_id": [_("No such lead.")]}
            continue
        groups.setdefault(e.email.lower() or f"x:{e.external_id}", []).append(e)
    if not groups:
        return
    records = []
    for group in groups.values():
        first = group[0]
        record: dict[str, Any] = {**first.person, "channel": first.channel or channel_for(
            first.kind, first.content_type, first.network)}
        if first.email:
            record["email"] = first.email
        if first.external_id:
            record["external_id"] = first.external_id
        if first.campaign is not None:
            record["campaign"] = first.campaign
        records.append(record)
    results = ingest(records, actor=actor, source=SourceRef(kind=SourceKind.EVENT, reference="events API"))
    for group, result in zip(groups.values(), results, strict=True):
        for e in group:
            if result.outcome == "rejected":
                errors_out[e.index] = result.errors
            else:
                e.target, e.lead_outcome = result.lead_id, result.outcome


def engagement_store(rows: list[EngagementEvent], *, actor: Actor) -> list[EngagementEvent]:
    """The one writer of engagement rows (events API, web forms, chat): store them in bulk and emit
    one EngagementRecorded after commit, so later apps (scoring) hear of every channel's engagement."""
    if not rows:
        return rows
    EngagementEvent.objects.bulk_create(rows, batch_size=2000)
    events.emit(EngagementRecorded(
        lead_ids=tuple(sorted({r.lead_id for r in rows})), event_ids=tuple(r.pk for r in rows),
        kinds=tuple(sorted({str(r.kind) for r in rows})), actor_id=events.actor_id_of(actor)))
    return rows


def record_events(raw_events: list[Any], *, actor: Actor) -> list[dict[str, Any]]:
    """Store a batch of engagement events; one result per event, in order."""
    errors: dict[int, dict[str, list[str]]] = {}
    evs: list[Event] = []
    for index, raw in enumerate(raw_events):
        ev, errs = check_event(index, raw)
        if ev is None:
            errors[index] = errs
        else:
            evs.append(ev)
    duplicate: set[int] = set()
    with transaction.atomic():
        seen = {e.event_id for e in evs if e.event_id}
        if seen:
            seen = set(EngagementEvent.objects.filter(external_event_id__in=seen)
                       .values_list("external_event_id", flat=True))
        for e in evs:
            if e.event_id and e.event_id in seen:
                duplicate.add(e.index)
            elif e.event_id:
                seen.add(e.event_id)
        live = [e for e in evs if e.index not in duplicate]
        for e in live:
            e.channel = e.channel or channel_for(e.kind, e.content_type, e.network)
        refs = Refs({e.channel for e in live}, {e.campaign for e in live if e.campaign is not None})
        for e in live:
            if refs.channel(e.channel) is None:
                errors[e.index] = {"channel": [_("Unknown channel %(s)r.") % {"s": e.channel}]}
            elif e.campaign is not None and refs.campaign(e.campaign) is None:
                errors[e.index] = {"campaign": [_("Unknown campaign %(c)r.") % {"c": str(e.campaign)[:60]}]}
        live = [e for e in live if e.index not in errors]
        _resolve(actor, live)
        _create_unknown(actor, live, errors)
        now = timezone.now()
        rows = [EngagementEvent(
            lead_id=e.target, kind=e.kind, channel_id=refs.channel(e.channel),
            campaign_id=(refs.campaign(e.campaign) or (None,))[0] if e.campaign is not None else None,
            content_type=e.content_type, content_ref=e.content_ref, external_event_id=e.event_id,
            occurred_at=e.occurred_at or now, received_at=now,
            properties={**e.properties, **({"network": e.network} if e.network else {})},
        ) for e in live if e.target and e.index not in errors]
        engagement_store(rows, actor=actor)
    by_index = {e.index: e for e in evs}
    out = []
    for index in range(len(raw_events)):
        e = by_index.get(index)
        if index in errors:
            out.append({"index": index, "outcome": "rejected", "lead_id": None, "lead_outcome": None,
                        "errors": errors[index]})
        elif index in duplicate:
            out.append({"index": index, "outcome": "duplicate", "lead_id": None, "lead_outcome": None,
                        "errors": {}})
        else:
            out.append({"index": index, "outcome": "recorded", "lead_id": e.target,
                        "lead_outcome": e.lead_outcome, "errors": {}})
    return out
