"""Request and response bodies of the leads API.

Maximum lengths are read from the models, so the API refuses exactly what the database could not
hold, with the field named. Request bodies forbid unknown fields and NUL characters (PostgreSQL
cannot store them in text).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Model
from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, field_validator
from pydantic.json_schema import SkipJsonSchema

from imbuto.core.schema_rules import NO_NUL, StrictInput, refuse_nul, state_no_nul  # noqa: F401 (re-exported)

from .choices import LawfulBasis, SizeBand, Stage, Temperature, Timeframe
from .models import Lead

StageName = Literal[tuple(Stage.values)]
# A new lead starts in marketing's part of the funnel (the intake pipeline's START_STAGES).
StartStageName = Literal[Stage.SUSPECT.value, Stage.LEAD.value, Stage.MQL.value, Stage.SQL.value]
TemperatureName = Literal[tuple(Temperature.values)]
TimeframeName = Literal[tuple(Timeframe.values)]
SizeBandName = Literal[("", *SizeBand.values)]
LawfulBasisName = Literal[tuple(LawfulBasis.values)]


def integral(value: Any) -> Any:
    """5.0 is the integer 5 in JSON Schema (and in the OpenAPI document); 5.5 stays a float, refused."""
    return int(value) if isinstance(value, float) and value.is_integer() and abs(value) < 2**63 else value


def integral_text(value: Any) -> Any:
    """A query string's integer as JSON Schema writes it too ("1e+16", "5.0"); "5.5" stays refused."""
    if isinstance(value, str) and value.strip() and not value.strip().lstrip("-").isdigit():
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            return value
        if number.is_finite() and number == number.to_integral_value() and abs(number) < 2**63:
            return int(number)
    return value


Id = Annotated[int, Field(strict=True, ge=1, le=2**63 - 1), BeforeValidator(integral)]
QueryId = Annotated[int, Field(ge=1, le=2**63 - 1), BeforeValidator(integral_text)]
IdOrName = Id | Annotated[str, Field(min_length=1, max_length=200)]
COUNTRY = r"^([A-Za-z]{2})?$"
CURSOR = r"^[A-Za-z0-9_-]*$"


def text(model: type[Model], name: str, **kwargs: Any) -> Any:
    """An optional string field as long as the model column allows."""
    return Field(None, max_length=model._meta.get_field(name).max_length, **kwargs)


class Input(StrictInput):
    """Base of request bodies: unknown fields are an error, NUL characters are refused."""

    @field_validator("country", mode="after", check_fields=False)
    @classmethod
    def _upper_country(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @field_validator("consent_at", mode="after", check_fields=False)
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        """In UTC: RFC 3339 allows offsets up to +-23:59, PostgreSQL only up to +-15:59."""
        if value is None:
            return value
        value = timezone.make_aware(value) if timezone.is_naive(value) else value
        try:
            return value.astimezone(dt.UTC)
        except OverflowError as exc:
            raise ValueError("Out of range.") from exc


# ---- leads -------------------------------------------------------------------------------------

class LeadUpdateIn(Input):
    """The fields of a lead to change (PATCH sends only those it changes); the stage moves only
    through /transition, so it is not one of them.

    `channel` is a channel slug, `campaign` a campaign id or exact name, `owner` a user id or
    username.
    """

    first_name: str | None = text(Lead, "first_name")
    last_name: str | None = text(Lead, "last_name")
    job_title: str | None = text(Lead, "job_title")
    email: str | None = text(Lead, "email")
    phone: str | None = text(Lead, "phone")
    language: str | None = text(Lead, "language")
    company_name: str | None = text(Lead, "company_name")
    website: str | None = text(Lead, "website")
    vat_id: str | None = text(Lead, "vat_id")
    tax_code: str | None = text(Lead, "tax_code")
    industry: str | None = text(Lead, "industry")
    size_band: SizeBandName | None = None
    street: str | None = text(Lead, "street")
    postal_code: str | None = text(Lead, "postal_code")
    city: str | None = text(Lead, "city")
    region: str | None = text(Lead, "region")
    country: str | None = Field(None, max_length=100, description=(
        "ISO 3166 alpha-2 (IT) or the country's name in Italian or English (Italia, Germany), read as "
        "every way in reads it; a name no country has is refused with 422"))
    channel: str | None = Field(None, max_length=50, description="Channel slug, see /channels")
    campaign: IdOrName | None = Field(None, description="Campaign id or exact name")
    utm_source: str | None = text(Lead, "utm_source")
    utm_medium: str | None = text(Lead, "utm_medium")
    utm_campaign: str | None = text(Lead, "utm_campaign")
    utm_term: str | None = text(Lead, "utm_term")
    utm_content: str | None = text(Lead, "utm_content")
    referrer_contact: Id | None = None
    referrer_account: Id | None = None
    external_id: str | None = text(Lead, "external_id")
    # Not nullable here: a lead always has a timeframe and a temperature (null would blank them).
    purchase_timeframe: TimeframeName = None
    temperature: TemperatureName = Field(
        None, description="Set only to override the temperature derived from purchase_timeframe")
    consent_basis: LawfulBasisName | None = None
    consent_at: dt.datetime | None = None
    consent_channel: str | None = text(Lead, "consent_channel")
    owner: IdOrName | None = Field(None, description="User id or username")
    # Read only to answer "use /transition" by name; not part of the documented PATCH body.
    stage: SkipJsonSchema[StageName | None] = None


def _lead_identity(schema: dict[str, Any]) -> None:
    """A new lead needs some identity: one of these fields with more than blanks."""
    state_no_nul(schema)
    schema["anyOf"] = [{"required": [name], "properties": {name: {"type": "string", "pattern": "\\S"}}}
                       for name in IDENTITY_FIELDS]


IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "company_name")


class LeadIn(LeadUpdateIn):
    """A lead to create: the fields of a lead and its starting stage (null means "not given").
    It needs some identity: a first or last name, an email, a phone or a company name."""

    model_config = ConfigDict(json_schema_extra=_lead_identity)

    purchase_timeframe: TimeframeName | None = None
    temperature: TemperatureName | None = Field(
        None, description="Set only to override the temperature derived from purchase_timeframe")

    stage: StartStageName | None = Field(None, description="Starting stage (create only)")


class LeadOut(Schema):
    id: int
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    language: str
    company_name: str
    website: str
    vat_id: str
    tax_code: str
    industry: str
    size_band: str
    street: str
    postal_code: str
    city: str
    region: str
    country: str
    channel: str | None
    channel_name: str | None
    campaign: int | None
    campaign_name: str | None
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    referrer_contact: int | None
    referrer_account: int | None
    external_id: str
    owner: int | None
    owner_username: str | None
    team: int | None
    team_name: str | None
    stage: str
    stage_changed_at: dt.datetime | None
    temperature: str
    temperature_overridden: bool
    purchase_timeframe: str
    score: int | None
    disposition_reason: str
    disposition_note: str
    parked_until: dt.date | None
    consent_basis: str
    consent_at: dt.datetime | None
    consent_channel: str
    quality_flags: dict[str, Any]
    merged_into: int | None
    account: int | None
    contact: int | None
    created_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_channel(obj: Lead) -> str | None:
        return obj.channel.slug if obj.channel_id else None

    @staticmethod
    def resolve_channel_name(obj: Lead) -> str | None:
        return obj.channel.display_name if obj.channel_id else None

    @staticmethod
    def resolve_campaign(obj: Lead) -> int | None:
        return obj.campaign_id

    @staticmethod
    def resolve_campaign_name(obj: Lead) -> str | None:
        return obj.campaign.name if obj.campaign_id else None

    @staticmethod
    def resolve_owner(obj: Lead) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_username(obj: Lead) -> str | None:
        return obj.owner.username if obj.owner_id else None

    @staticmethod
    def resolve_team(obj: Lead) -> int | None:
        return obj.team_id

    @staticmethod
    def resolve_team_name(obj: Lead) -> str | None:
        return obj.team.name if obj.team_id else None

    @staticmethod
    def resolve_referrer_contact(obj: Lead) -> int | None:
        return obj.referrer_contact_id

    @staticmethod
    def resolve_referrer_account(obj: Lead) -> int | None:
        return obj.referrer_account_id

    @staticmethod
    def resolve_merged_into(obj: Lead) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_account(obj: Lead) -> int | None:
        return obj.account_id

    @staticmethod
    def resolve_contact(obj: Lead) -> int | None:
        return obj.contact_id

    @staticmethod
    def resolve_created_by(obj: Lead) -> int | None:
        return obj.created_by_id


class LeadPageOut(Schema):
    items: list[LeadOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end")
    previous_cursor: str | None = Field(None, description=(
        "Pass as `before` for the previous page; null on the first page"))
    total: int | None = Field(None, description="How many leads match the filters (with `with_total=true`)")


LIST_ONLY = {"limit", "cursor", "before", "with_total"}


def choice_list(values: list[str]) -> str:
    """A comma-separated list of these values (blanks around them and empty items allowed)."""
    one = "(" + "|".join(values) + ")"
    return f"^ *({one} *)?(, *({one} *)?)*$"


def cursor_field() -> Any:
    return Field(None, max_length=1000, pattern=CURSOR, description=(
        "next_cursor of the previous page, as it was given (an opaque token; a forged one is refused "
        "with 422)"))


DATE_OR_DATETIME = {"anyOf": [{"type": "string", "format": "date"},
                              {"type": "string", "format": "date-time"}]}
OrderingName = Literal[tuple(f"{sign}{name}" for name in ("created_at", "updated_at", "last_name",
                                                          "company_name", "score", "stage", "owner",
                                                          "temperature", "channel")
                             for sign in ("", "-"))]


class LeadFilters(Schema):
    """Query parameters of GET /leads. Lists of values are comma-separated (stage=lead,mql)."""

    search: str | None = Field(None, max_length=200, description="Name, company, email or phone")
    stage: str | None = Field(None, max_length=200, json_schema_extra={"pattern": choice_list(Stage.values)},
                              description="One or more stages, comma-separated")
    temperature: str | None = Field(None, max_length=50,
                                    json_schema_extra={"pattern": choice_list(Temperature.values)},
                                    description="hot, warm, cold (comma-separated)")
    owner: str | None = Field(None, max_length=150, description="User id, username or 'none'")
    channel: str | None = Field(None, max_length=500, description="Channel slugs, comma-separated")
    campaign: str | None = Field(None, max_length=200, description="Campaign id or exact name")
    country: str | None = Field(None, max_length=200, description="ISO alpha-2 codes, comma-separated")
    created_after: str | None = Field(None, max_length=40, json_schema_extra=DATE_OR_DATETIME,
                                      description="ISO date or datetime (inclusive)")
    created_before: str | None = Field(None, max_length=40, json_schema_extra=DATE_OR_DATETIME,
                                       description="ISO date or datetime (exclusive)")
    needs_checking: bool | None = Field(None, description=(
        "true: only leads with a value that failed validation (quality_flags not empty)"))
    min_score: int | None = Field(None, ge=-(2**31), le=2**31 - 1,
                                  description="Only leads scored at least this (unscored leads excluded)")
    max_score: int | None = Field(None, ge=-(2**31), le=2**31 - 1,
                                  description="Only leads scored at most this (unscored leads excluded)")
    ordering: OrderingName | None = Field(None, description=(
        "created_at, updated_at, last_name, company_name, score, stage, owner, temperature or channel; "
        "prefix '-' for descending (default -created_at)"))
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()
    before: str | None = Field(None, max_length=1000, pattern=CURSOR, description=(
        "previous_cursor of the current page: the page before it"))
    with_total: bool = Field(False, description="Also count the matching leads (`total`)")

    model_config = ConfigDict(json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)

    @field_validator("stage", mode="after")
    @classmethod
    def _known_stages(cls, value: str | None) -> str | None:
        return _known(value, Stage.values, "stage")

    @field_validator("temperature", mode="after")
    @classmethod
    def _known_temperatures(cls, value: str | None) -> str | None:
        return _known(value, Temperature.values, "temperature")


def _known(value: str | None, allowed: list[str], what: str) -> str | None:
    if not value:
        return value
    unknown = [v.strip() for v in value.split(",") if v.strip() and v.strip() not in allowed]
    if unknown:
        raise ValueError(f"Unknown {what} {', '.join(unknown)}; use {', '.join(allowed)}.")
    return value


class TransitionIn(Input):
    """Parking needs `parked_until` (a future date); discarding needs a `reason`."""

    model_config = ConfigDict(json_schema_extra=lambda schema: _transition_rules(schema))

    to: StageName
    reason: str = Field("", max_length=2000, description=(
        "Why. Discarding and parking need a reason code (discard: no_purchase_intent, invalid, spam, "
        "duplicate, other; park: bought_from_competitor, not_ready, no_budget, other); free text is "
        "taken as reason other with that text as the note"))
    note: str = Field("", max_length=500, description="Free note kept with the reason, whatever its code")
    parked_until: dt.date | None = Field(None, description="Revisit date, required when parking")


def _transition_rules(schema: dict[str, Any]) -> None:
    state_no_nul(schema)
    schema["allOf"] = [
        {"if": {"properties": {"to": {"const": Stage.PARKED.value}}, "required": ["to"]},
         "then": {"required": ["parked_until"], "properties": {"parked_until": {"type": "string"}}}},
        {"if": {"properties": {"to": {"const": Stage.DISCARDED.value}}, "required": ["to"]},
         "then": {"required": ["reason"], "properties": {"reason": {"minLength": 1,
                                                                     "pattern": "\\S"}}}},
    ]


class HistoryOut(Schema):
    id: int
    at: dt.datetime
    action: str
    actor: int | None
    actor_username: str
    changes: dict[str, list[Any]] = Field(description="field: [from, to]")
    reason: str = Field(description="What the person who made the change typed, as typed.")
    reason_code: str = Field(description="What the system noted, as a code (empty if nothing).")
    reason_params: dict[str, Any] = Field(description="The values the note is made of.")
    note: str = Field(description="The system's note in the request's language (Accept-Language).")
    data: dict[str, Any]

    @staticmethod
    def resolve_actor(obj: Any) -> int | None:
        return obj.actor_id

    @staticmethod
    def resolve_note(obj: Any) -> str:
        from imbuto.core import explain

        return explain.render(obj.reason_code, obj.reason_params or {})

    @staticmethod
    def resolve_actor_username(obj: Any) -> str:
        return obj.actor.username if obj.actor_id and obj.actor else obj.actor_label


class HistoryPageOut(Schema):
    items: list[HistoryOut]
