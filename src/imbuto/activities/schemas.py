"""Request and response bodies of /api/v1/activities."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator

from imbuto.core.schema_rules import StrictInput, refuse_nul, state_no_nul
from imbuto.leads.schemas import DATE_OR_DATETIME, Id, IdOrName, QueryId, choice_list, cursor_field

from .models import Kind

KindName = Literal["call", "email", "meeting", "note", "task"]  # Kind's values (a test checks)
OrderingName = Literal["created_at", "-created_at", "updated_at", "-updated_at", "when", "-when"]
DATE_OR_TIME: Any = DATE_OR_DATETIME


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """In UTC: RFC 3339 allows offsets up to +-23:59, PostgreSQL only up to +-15:59; years 1-9999
    that UTC cannot hold are refused."""
    if value is None:
        return value
    value = timezone.make_aware(value) if timezone.is_naive(value) else value
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:
        raise ValueError("Out of range.") from exc


When = Annotated[dt.datetime, AfterValidator(utc)]


class ActivityFields(StrictInput):
    subject: str | None = Field(None, min_length=1, max_length=200, pattern=r"\S")
    body: str | None = Field(None, max_length=10_000, description="Notes")
    occurred_at: When | None = Field(None, description=(
        "When a call, email or note happened (default now) or a meeting starts (required for a meeting)"))
    ends_at: When | None = Field(None, description="A meeting's end")
    due_at: When | None = Field(None, description="A task's due time (required for a task)")
    remind_at: When | None = Field(None, description=(
        "A task's or meeting's reminder to its owner (at most the due time or the start)"))
    location: str | None = Field(None, max_length=200)
    direction: Literal["outbound", "inbound"] | None = Field(None, description=(
        "A call or email we made (outbound, the default) or they made (inbound: an inbound email on a "
        "lead is a reply, it ends the lead's nurturing sequences; it is not a first contact)"))
    owner: IdOrName | None = Field(None, description="User id or username (default: you)")
    lead: Id | None = None
    contact: Id | None = None
    account: Id | None = None
    deal: Id | None = None


def _kind_rules(schema: dict[str, Any]) -> None:
    """What each kind needs and refuses, and "at least one record", stated in the document."""
    state_no_nul(schema)

    def kind_is(*kinds: str) -> dict[str, Any]:
        return {"properties": {"kind": {"enum": list(kinds)}}, "required": ["kind"]}

    null = {"type": "null"}
    schema["allOf"] = [
        {"if": kind_is("task"), "then": {"required": ["due_at"], "properties": {
            "due_at": {"type": "string"}, "occurred_at": null, "ends_at": null}}},
        {"if": kind_is("meeting"), "then": {"required": ["occurred_at"], "properties": {
            "occurred_at": {"type": "string"}, "due_at": null}}},
        {"if": kind_is("call", "email", "note"), "then": {"properties": {
            "due_at": null, "ends_at": null, "remind_at": null, "done": {"enum": [True, None]}}}},
        {"anyOf": [{"required": [name], "properties": {name: {"type": "integer"}}}
                   for name in ("lead", "contact", "account", "deal")]},
    ]


class ActivityIn(ActivityFields):
    """A call, email, meeting or note to log, or a task: attached to at least one lead, contact,
    account or deal you may see. A task needs `due_at`, a meeting `occurred_at`; only a task has a
    due time, only a meeting an end, only tasks and meetings a reminder (at most their due time or
    start); a call, email or note happened (not in the future)."""

    model_config = ConfigDict(json_schema_extra=_kind_rules)

    kind: KindName
    subject: str = Field(min_length=1, max_length=200, pattern=r"\S")
    done: bool | None = Field(None, description=(
        "Tasks and meetings: created done (default: a task open, a meeting done once its start passed); "
        "calls, emails and notes are always logged as done"))


class ActivityUpdateIn(ActivityFields):
    """The fields to change (the kind never changes)."""


class ActivityOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    occurred_at: dt.datetime | None
    ends_at: dt.datetime | None
    due_at: dt.datetime | None
    remind_at: dt.datetime | None
    reminded_at: dt.datetime | None
    done_at: dt.datetime | None
    done: bool
    overdue: bool
    location: str
    direction: str
    owner: int | None
    owner_username: str | None
    lead: int | None
    contact: int | None
    account: int | None
    deal: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    created_by: int | None

    @staticmethod
    def resolve_done(obj: Any) -> bool:
        return obj.done_at is not None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.is_overdue)

    @staticmethod
    def resolve_owner_username(obj: Any) -> str | None:
        return obj.owner.username if obj.owner_id and obj.owner else None

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_lead(obj: Any) -> int | None:
        return obj.lead_id

    @staticmethod
    def resolve_contact(obj: Any) -> int | None:
        return obj.contact_id

    @staticmethod
    def resolve_account(obj: Any) -> int | None:
        return obj.account_id

    @staticmethod
    def resolve_deal(obj: Any) -> int | None:
        return obj.deal_id

    @staticmethod
    def resolve_created_by(obj: Any) -> int | None:
        return obj.created_by_id


class ActivityPageOut(Schema):
    items: list[ActivityOut]
    next_cursor: str | None


class ActivityFilters(Schema):
    """Query parameters of GET /activities. `contact`, `account` and `deal` give the record's whole
    timeline, as its page shows it (an account's: its own, its contacts', deals' and leads')."""

    kind: str | None = Field(None, max_length=100, json_schema_extra={"pattern": choice_list(Kind.values)},
                             description="call, email, meeting, note, task (comma-separated)")
    owner: str | None = Field(None, max_length=150, description="User id, username or 'none'")
    lead: QueryId | None = None
    contact: QueryId | None = None
    account: QueryId | None = None
    deal: QueryId | None = None
    due_before: str | None = Field(None, max_length=40, json_schema_extra=DATE_OR_TIME,
                                   description="ISO date or datetime (exclusive), on due_at")
    due_after: str | None = Field(None, max_length=40, json_schema_extra=DATE_OR_TIME,
                                  description="ISO date or datetime (inclusive), on due_at")
    done: bool | None = Field(None, description="true: done only; false: open only")
    search: str | None = Field(None, max_length=200, description="Words of the subject or the notes")
    ordering: OrderingName | None = Field(None, description=(
        "created_at, updated_at or when (a meeting's start, a call's time, a task's due time); prefix '-' "
        "for descending (default -created_at)"))
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()

    model_config = ConfigDict(json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)

    @field_validator("kind", mode="after")
    @classmethod
    def _known_kinds(cls, value: str | None) -> str | None:
        if value:
            unknown = [v.strip() for v in value.split(",") if v.strip() and v.strip() not in Kind.values]
            if unknown:
                raise ValueError(f"Unknown kind {', '.join(unknown)}; use {', '.join(Kind.values)}.")
        return value
