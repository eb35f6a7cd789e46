"""Request and response bodies of the intake API (batch intake, sources, engagement, duplicates)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from imbuto.leads.schemas import Input, integral, state_no_nul

from .models import DuplicateCandidate, EngagementEvent, LeadSource

MAX_BATCH = 10_000
Id = Annotated[int, Field(strict=True, ge=1, le=2**63 - 1), BeforeValidator(integral)]
# The server checks these bounds itself (413 over MAX_BATCH); the document states them.
BATCH_ITEMS = {"minItems": 1, "maxItems": MAX_BATCH}


class BatchIn(Input):
    leads: list[Any] = Field(description=f"Up to {MAX_BATCH:,} lead records (the fields of POST /leads)",
                             json_schema_extra=BATCH_ITEMS)


class RecordOut(Schema):
    index: int
    outcome: str = Field(description="created | merged | flagged | rejected")
    lead_id: int | None
    errors: dict[str, list[str]]
    warnings: dict[str, list[str]]
    duplicate_of: int | None
    score: float | None = None
    message: str | None = Field(None, description="Why lead_id or duplicate_of is null although the record "
                                "was merged or flagged: the lead is in someone else's care")


class SummaryOut(Schema):
    created: int
    merged: int
    flagged: int
    rejected: int


class BatchOut(Schema):
    results: list[RecordOut]
    summary: SummaryOut


class SourceOut(Schema):
    id: int
    kind: str
    channel: str | None
    channel_name: str | None
    campaign: int | None
    campaign_name: str | None
    reference: str
    import_job: int | None
    file_name: str
    row_number: int | None
    outcome: str
    received_at: dt.datetime
    original_lead_id: int

    @staticmethod
    def resolve_channel(obj: LeadSource) -> str | None:
        return obj.channel.slug if obj.channel_id else None

    @staticmethod
    def resolve_channel_name(obj: LeadSource) -> str | None:
        return obj.channel.display_name if obj.channel_id else None

    @staticmethod
    def resolve_campaign(obj: LeadSource) -> int | None:
        return obj.campaign_id

    @staticmethod
    def resolve_campaign_name(obj: LeadSource) -> str | None:
        return obj.campaign.name if obj.campaign_id else None

    @staticmethod
    def resolve_import_job(obj: LeadSource) -> int | None:
        return obj.import_job_id


class SourceListOut(Schema):
    items: list[SourceOut]


class EngagementOut(Schema):
    id: int
    kind: str
    channel: str | None
    campaign: int | None
    content_type: str
    content_ref: str
    external_event_id: str
    occurred_at: dt.datetime
    received_at: dt.datetime
    properties: dict[str, Any]

    @staticmethod
    def resolve_channel(obj: EngagementEvent) -> str | None:
        return obj.channel.slug if obj.channel_id else None

    @staticmethod
    def resolve_campaign(obj: EngagementEvent) -> int | None:
        return obj.campaign_id


class EngagementListOut(Schema):
    items: list[EngagementOut]


class EventsIn(Input):
    events: list[Any] = Field(description=f"Up to {MAX_BATCH:,} engagement events",
                              json_schema_extra=BATCH_ITEMS)


class EventResultOut(Schema):
    index: int
    outcome: str = Field(description="recorded | duplicate | rejected")
    lead_id: int | None
    lead_outcome: str | None = Field(description="existing | created | merged | flagged")
    errors: dict[str, list[str]]
    message: str | None = Field(None, description="Why lead_id is null on a recorded event: the event "
                                "went to a lead in someone else's care")


class EventsOut(Schema):
    results: list[EventResultOut]
    summary: dict[str, int]


class MergeIn(Input):
    other: Id = Field(description="The lead to fold into this one")
    reason: str = Field("", max_length=500)


class MergeOut(Schema):
    """A merge as the caller may see it (see docs/security.md): the values describe the surviving lead,
    so a caller who may see only the merged lead gets them empty and `survivor_visible` false."""

    id: int
    survivor: int
    merged: int | None
    survivor_visible: bool = Field(description="Whether you may open the surviving lead. When false, "
                                   "filled_values, differing_values and incoming are empty.")
    merged_visible: bool = Field(description="Whether you may open the merged lead")
    at: dt.datetime
    actor: str | None
    automatic: bool
    score: float | None
    rule: str
    reason: str
    filled_values: dict[str, Any]
    differing_values: dict[str, Any]
    incoming: dict[str, Any]
    source: int | None

    @staticmethod
    def resolve_survivor(obj: Any) -> int:
        return obj.survivor_id

    @staticmethod
    def resolve_merged(obj: Any) -> int | None:
        return obj.merged_id

    @staticmethod
    def resolve_actor(obj: Any) -> str | None:
        return obj.actor.username if obj.actor_id else None

    @staticmethod
    def resolve_source(obj: Any) -> int | None:
        return obj.source_id


class MergeListOut(Schema):
    items: list[MergeOut]


class LeadBrief(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    company_name: str
    vat_id: str
    street: str
    postal_code: str
    city: str
    country: str
    stage: str
    owner: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id


class DuplicateOut(Schema):
    id: int
    score: float
    reasons: dict[str, Any]
    status: str
    created_at: dt.datetime
    lead: LeadBrief
    candidate: LeadBrief


class DuplicateListOut(Schema):
    items: list[DuplicateOut]
    count: int


class DuplicateMergeIn(Input):
    survivor: Id | None = Field(None, description="Keep this lead; by default the survivor rule chooses")


class DismissIn(Input):
    reason: str = Field("", max_length=500)


class DuplicateResolvedOut(Schema):
    id: int
    status: str
    merge: MergeOut | None = None


class ReferralIn(Input):
    """Who referred the lead: at least one of a contact, an account or a lead."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _one_referrer(schema))

    referrer_contact: Id | None = None
    referrer_account: Id | None = None
    referrer_lead: Id | None = None
    note: str = Field("", max_length=2000)


class ReferralOut(Schema):
    id: int
    lead: int
    referrer_contact: int | None
    referrer_account: int | None
    referrer_lead: int | None
    note: str
    at: dt.datetime

    @staticmethod
    def resolve_lead(obj: Any) -> int:
        return obj.lead_id

    @staticmethod
    def resolve_referrer_contact(obj: Any) -> int | None:
        return obj.referrer_contact_id

    @staticmethod
    def resolve_referrer_account(obj: Any) -> int | None:
        return obj.referrer_account_id

    @staticmethod
    def resolve_referrer_lead(obj: Any) -> int | None:
        return obj.referrer_lead_id


def _one_referrer(schema: dict[str, Any]) -> None:
    state_no_nul(schema)
    schema["anyOf"] = [{"required": [name], "properties": {name: {"type": "integer"}}}
                       for name in ("referrer_contact", "referrer_account", "referrer_lead")]


class ReengageIn(Input):
    reason: str = Field("", max_length=500)


def duplicate_resolved(pair: DuplicateCandidate, merge: Any = None) -> dict[str, Any]:
    return {"id": pair.pk, "status": pair.status, "merge": merge}
