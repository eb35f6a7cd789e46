"""Request and response bodies of /api/v1/scoring and /api/v1/leads/{id}/score."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from imbuto.core.schema_rules import NO_NUL, StrictInput, refuse_nul
from imbuto.intake.models import EngagementKind

from .rules import ATTRIBUTES, MAX_POINTS, MAX_VALUE_LENGTH, MAX_VALUES

Kind = Literal["fit", "engagement"]
if TYPE_CHECKING:  # the names are known at run time only; mypy sees plain strings
    AttributeName = str
    EventKind = str
else:
    AttributeName = Literal[tuple(ATTRIBUTES)]
    EventKind = Literal[tuple(EngagementKind.values)]
Value = Annotated[str, Field(max_length=MAX_VALUE_LENGTH, pattern=NO_NUL)]
ATTRIBUTE_HELP = "Fit rules: the lead attribute tested"
EVENT_KIND_HELP = "Engagement rules: the engagement kind counted"
NAME_HELP = "What the rule is called in explanations"
VALUES_HELP = (
    "Fit rules: the values that match (any of them): industry, region, language and campaign names "
    "(case-insensitive), size bands, two-letter countries, channel slugs, temperatures, timeframes; "
    "words contained in the job title. Empty for has_vat_id and consent."
)
POINTS_HELP = "Points given (per event for engagement rules)"
CAP_HELP = "Engagement rules: at most this many points in all (empty: no cap)"
HALF_LIFE_HELP = "Engagement rules: an event's points halve every so many days (empty: no decay)"
NOT_ZERO: dict[str, Any] = {"not": {"const": 0}}  # a rule giving 0 points changes no score


class _RuleFields(StrictInput):
    @field_validator("values", mode="after", check_fields=False)
    @classmethod
    def _values_no_nul(cls, value: Any) -> Any:
        return [refuse_nul(v) for v in value] if isinstance(value, list) else value


class ScoringRuleIn(_RuleFields):
    name: str = Field(..., min_length=1, max_length=120, description=NAME_HELP)
    kind: Kind
    attribute: AttributeName | None = Field(None, description="Fit rules: the lead attribute tested")
    values: list[Value] = Field([], max_length=MAX_VALUES, description=VALUES_HELP)
    event_kind: EventKind | None = Field(None, description="Engagement rules: the engagement kind counted")
    points: int = Field(
        ..., ge=-MAX_POINTS, le=MAX_POINTS, description=POINTS_HELP, json_schema_extra=NOT_ZERO
    )
    cap: int | None = Field(None, ge=0, le=MAX_POINTS * 100, description=CAP_HELP)
    half_life_days: float | None = Field(None, gt=0, le=36_500, description=HALF_LIFE_HELP)
    is_active: bool = True


class RulePatch(_RuleFields):
    """Only the fields sent change; null is refused where a value is needed."""

    name: str = Field(None, min_length=1, max_length=120, description=NAME_HELP)  # type: ignore[assignment]
    kind: Kind = None  # type: ignore[assignment]
    attribute: AttributeName = Field(None, description=ATTRIBUTE_HELP)  # type: ignore[assignment]
    values: list[Value] = Field(None, max_length=MAX_VALUES, description=VALUES_HELP)  # type: ignore[arg-type]
    event_kind: EventKind = Field(None, description=EVENT_KIND_HELP)  # type: ignore[assignment]
    points: int = Field(
        None,
        ge=-MAX_POINTS,
        le=MAX_POINTS,
        description=POINTS_HELP,  # type: ignore[assignment]
        json_schema_extra=NOT_ZERO,
    )
    cap: int | None = Field(None, ge=0, le=MAX_POINTS * 100, description=CAP_HELP)
    half_life_days: float | None = Field(None, gt=0, le=36_500, description=HALF_LIFE_HELP)
    is_active: bool = None  # type: ignore[assignment]


class ScoringRuleOut(Schema):
    id: int
    name: str
    kind: str
    attribute: str
    values: list[str]
    event_kind: str
    points: int
    cap: int | None
    half_life_days: float | None
    is_active: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class ScoringRuleWriteOut(ScoringRuleOut):
    warnings: list[str] = Field(
        description="What to know about the rule as saved (e.g. it matches nothing yet)"
    )


class ScoringRuleListOut(Schema):
    items: list[ScoringRuleOut]


class ThresholdsIn(StrictInput):
    mql_threshold: int | None = Field(
        None, ge=1, le=10**9, description="score >= this moves a lead to MQL (empty: never)"
    )
    sql_threshold: int | None = Field(
        None,
        ge=1,
        le=10**9,
        description=("score >= this moves a lead to SQL (empty: never); above the MQL threshold"),
    )
    buy_now_to_sql: bool = Field(False, description="a lead that wants to buy now moves to SQL")


class ThresholdsOut(Schema):
    mql_threshold: int | None
    sql_threshold: int | None
    buy_now_to_sql: bool
    warnings: list[str] = []


class PartOut(Schema):
    rule_id: int
    name: str
    kind: str
    points: float = Field(description="Points this rule gives now (engagement: decayed and capped)")
    at: dt.datetime | None = Field(description="Engagement: the latest event counted; fit: when computed")
    events: int = Field(description="Engagement events counted (0 for fit rules)")
    capped: bool = Field(description="The rule's cap held its points back")


class ScoreOut(Schema):
    lead_id: int
    total: int = Field(description="fit + engagement, rounded, as the active rules give it now")
    fit: int
    engagement: float
    stored_score: int | None = Field(description="The lead's `score` as last written by a rescore")
    scored: bool = Field(description="Whether any rule is active (no rule: no score)")
    promoted_to: str = Field(description="The stage a threshold last moved the lead to, or empty")
    breakdown: list[PartOut]
    computed_at: dt.datetime


class RescoreOut(Schema):
    queued: bool
