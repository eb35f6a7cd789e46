"""Request and answer of POST /api/v1/leads/bulk."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from .schemas import Id, Input, LeadFilters, StageName


class BulkIn(Input):
    ids: list[Id] | None = Field(None, max_length=2000, description="The leads, by id (at most 2,000)")
    filter: LeadFilters | None = Field(None, description=(
        "Instead of ids: every lead matching the filters of GET /leads (at most 2,000)"))
    action: Literal["assign", "transition", "add_to_campaign", "discard"]
    owner: int | str | None = Field(None, description="assign: user id or username (null with `team`: "
                                    "the team's unassigned queue)")
    team: int | str | None = Field(None, description="assign: team id or slug, for the unassigned queue")
    to: StageName | None = Field(None, description="transition: the target stage")
    reason: str = Field("", max_length=2000, description="discard (required) and transition: why")
    parked_until: dt.date | None = Field(None, description="transition to parked: the revisit date")
    campaign: int | str | None = Field(None, description="add_to_campaign: campaign id or name")

    @model_validator(mode="after")
    def _one_selection(self) -> BulkIn:
        if (self.ids is None) == (self.filter is None):
            raise ValueError("Send either `ids` or `filter`.")
        if self.ids is not None and any(not 0 < i < 2**63 for i in self.ids):
            raise ValueError("ids are positive integers.")
        return self


class BulkOutcomeOut(Schema):
    id: int
    status: Literal["done", "unchanged", "refused", "not_found"]
    code: str = Field("", description="Why refused: the error code (forbidden, invalid_transition...)")
    message: str = ""


class BulkOut(Schema):
    action: str
    counts: dict[str, int] = Field(description="done, unchanged, refused, not_found")
    items: list[BulkOutcomeOut]


