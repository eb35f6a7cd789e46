"""Request and answer bodies of /api/v1/routing and /api/v1/leads/{id}/routing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from imbuto.core.schema_rules import NO_NUL, StrictInput
from imbuto.leads.schemas import Id as LeadId
from imbuto.leads.schemas import LeadFilters

Words = list[str]
Word = Annotated[str, Field(max_length=100, pattern=NO_NUL)]
WordsIn = list[Word]
Day = Annotated[int, Field(ge=0, le=6)]


class WarningOut(Schema):
    code: str
    params: dict[str, Any]
    text: str = Field(description="The warning in the request's language.")


class RuleFields(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=100)
    pool_id: int | None = Field(None, description="The pool (team) the rule sends leads to.")
    position: int | None = Field(None, ge=0, le=10**6, description="Order: lower first (first match wins).")
    is_active: bool | None = None
    countries: WordsIn | None = Field(None, max_length=300, description="ISO codes or names (Italia, DE).")
    regions: WordsIn | None = Field(None, max_length=300)
    languages: WordsIn | None = Field(
        None, max_length=100, description="Language codes or names (it, English)."
    )
    products: WordsIn | None = Field(
        None,
        max_length=100,
        description=("Product-interest keywords, found in the lead's UTM campaign, term or content."),
    )
    size_bands: list[Literal["1-9", "10-49", "50-249", "250+"]] | None = Field(
        None, max_length=10, description="1-9, 10-49, 50-249, 250+"
    )
    industries: WordsIn | None = Field(None, max_length=100)
    channels: WordsIn | None = Field(None, max_length=100, description="Channel slugs.")
    campaigns: list[int] | None = Field(None, max_length=300, description="Campaign ids.")
    temperatures: list[Literal["hot", "warm", "cold"]] | None = Field(
        None, max_length=3, description="hot, warm, cold"
    )
    min_score: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    max_score: int | None = Field(None, ge=-(2**31), le=2**31 - 1)
    skill: str | None = Field(
        None, max_length=50, description="Only members with this skill take these leads."
    )


class RoutingRuleIn(RuleFields):
    name: str = Field(min_length=1, max_length=100)
    pool_id: int


class RoutingRuleOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    pool_id: int
    pool: str
    countries: Words
    regions: Words
    languages: Words
    products: Words
    size_bands: Words
    industries: Words
    channels: Words
    campaigns: list[int]
    temperatures: Words
    min_score: int | None
    max_score: int | None
    skill: str
    warnings: list[WarningOut] = Field(description="Why this rule may never match or its leads wait.")


class MemberIn(StrictInput):
    user_id: int
    weight: int = Field(
        1, ge=1, le=10**6, description="Share of the pool's leads relative to the others' weights."
    )
    capacity: int | None = Field(
        None, ge=1, le=10**6, description="Most open leads at once (null: no limit; 0 is refused)."
    )
    skills: WordsIn = Field(default_factory=list, max_length=50)
    away_from: dt.date | None = Field(None, description="Out of office from (inclusive).")
    away_until: dt.date | None = Field(None, description="Out of office until (inclusive).")
    work_days: list[Day] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        max_length=7,
        description="Working days, 0 Monday .. 6 Sunday (with working hours).",
    )
    work_start: dt.time | None = Field(None, description="Working hours from (server time zone).")
    work_end: dt.time | None = Field(None, description="Working hours until.")


class MemberOut(Schema):
    id: int
    user_id: int
    user: str
    weight: int
    capacity: int | None
    skills: Words
    away_from: dt.date | None
    away_until: dt.date | None
    work_days: list[int]
    work_start: dt.time | None
    work_end: dt.time | None
    open_leads: int = Field(description="Open leads the rep owns now.")
    available: bool = Field(description="Takes leads now (not out of office, within working hours).")


class PoolFields(StrictInput):
    name: str | None = Field(None, min_length=1, max_length=100)
    team_id: int | None = None
    is_default: bool | None = Field(None, description="Leads no rule matches come here (one pool).")
    nurturing_owner_id: int | None = Field(
        None,
        description=("Who takes this pool's leads that are not sales qualified yet (null: the global one)."),
    )
    members: list[MemberIn] | None = Field(
        None, max_length=500, description=("The pool's members; when given, replaces them all.")
    )


class PoolIn(PoolFields):
    name: str = Field(min_length=1, max_length=100)
    team_id: int


class PoolOut(Schema):
    id: int
    name: str
    team_id: int
    team: str
    is_default: bool
    nurturing_owner_id: int | None
    members: list[MemberOut]
    warnings: list[WarningOut]


class SettingsIn(StrictInput):
    nurturing_owner_id: int | None = Field(description="The global nurturing owner (null: nobody).")


class SettingsOut(Schema):
    nurturing_owner_id: int | None


class RouteIn(StrictInput):
    ids: list[LeadId] | None = Field(None, max_length=2000, description="The leads, by id (at most 2,000)")
    filter: LeadFilters | None = Field(
        None, description="Instead of ids: every lead matching the filters of GET /leads (at most 2,000)"
    )


class RouteOutcomeOut(Schema):
    id: int
    status: str = Field(
        description="done, unchanged, waiting (nobody can take it: it keeps its owner), refused, not_found"
    )
    owner_id: int | None = None
    text: str = ""


class RouteOut(Schema):
    counts: dict[str, int]
    items: list[RouteOutcomeOut]


class ExplanationOut(Schema):
    at: dt.datetime
    actor: str
    code: str
    params: dict[str, Any]
    text: str
    changes: dict[str, Any]


class LeadRoutingOut(Schema):
    lead_id: int
    owner_id: int | None
    team_id: int | None
    waiting: bool = Field(description="Nobody could take it yet: it waits in the unassigned queue.")
    waiting_since: dt.datetime | None
    waiting_reason: ExplanationOut | None
    latest: ExplanationOut | None = Field(description="The latest routing decision, explained.")
    history: list[ExplanationOut]
