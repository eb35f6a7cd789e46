"""Request and response bodies of the deals API (names unique across the API: Deal*, Pipeline*,
Stage*, Product*). Limits are stated in the schema; cross-field rules a schema can state (lost needs
a reason) are stated too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from imbuto.core.schema_rules import StrictInput, refuse_nul, state_no_nul
from imbuto.leads.schemas import Id, IdOrName, QueryId, cursor_field

from .currencies import ISO_4217
from .models import LostReason, StageOutcome

CurrencyCode = Literal[tuple(sorted(ISO_4217))]
LostReasonName = Literal[tuple(LostReason.values)]
OutcomeName = Literal[tuple(StageOutcome.values)]
MONEY_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 999_999_999_999.99, "multipleOf": 0.01},
        {"type": "string", "pattern": "^[0-9]{1,12}(\\.[0-9]{1,2})?$"},
    ]
}
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, json_schema_extra=MONEY_SCHEMA)]
QTY_SCHEMA = {
    "anyOf": [
        {"type": "number", "exclusiveMinimum": 0, "maximum": 9_999_999_999.99, "multipleOf": 0.01},
        {"type": "string", "pattern": "^[0-9]{1,10}(\\.[0-9]{1,2})?$"},
    ]
}
Quantity = Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2, json_schema_extra=QTY_SCHEMA)]
StageRef = Annotated[
    str,
    Field(
        min_length=1, max_length=40, pattern="^[a-z0-9_-]+$", description="Stage key (won, proposal) or id"
    ),
]


def _line_rules(schema: dict[str, Any]) -> None:
    state_no_nul(schema)
    schema["anyOf"] = [
        {"required": ["product"], "properties": {"product": {"type": "integer"}}},
        {"required": ["description"], "properties": {"description": {"type": "string", "pattern": "\\S"}}},
    ]


class DealLineIn(StrictInput):
    """A product with its quantity and price, or a described line without a product."""

    model_config = ConfigDict(json_schema_extra=_line_rules)

    product: Id | None = Field(None, description="Product id (see /deals/products)")
    description: str = Field("", max_length=200)
    quantity: Quantity = Decimal(1)
    unit_price: Money | None = Field(None, description="Defaults to the product's price")


class DealUpdateIn(StrictInput):
    """Fields to change (PATCH sends only those). The stage moves only through /move; `lines`, when
    given, replace the deal's lines (and its amount, unless `amount` is given too)."""

    name: str = Field(None, min_length=1, max_length=200, pattern="\\S")
    amount: Money | None = None
    currency: CurrencyCode = None
    probability: int | None = Field(None, ge=0, le=100, description="Overrides the stage's probability")
    expected_close: dt.date | None = None
    owner: IdOrName | None = Field(None, description="User id or username")
    account: Id | None = None
    contact: Id | None = None
    competitor: str | None = Field(None, max_length=200)
    competitor_product: str | None = Field(None, max_length=200)
    lost_note: str | None = Field(None, max_length=2000)
    lines: list[DealLineIn] | None = Field(None, max_length=100)
    version: int | None = Field(
        None, ge=1, le=2**31 - 1, description="The version you read: 409 if it changed"
    )


class DealIn(StrictInput):
    """A new open deal; pipeline defaults to the default one, stage to its first open stage, owner to
    you, amount to the lines' total."""

    name: str = Field(min_length=1, max_length=200, pattern="\\S")
    pipeline: Id | None = None
    stage: StageRef | None = None
    amount: Money | None = None
    currency: CurrencyCode | None = None
    expected_close: dt.date | None = None
    owner: IdOrName | None = Field(None, description="User id or username")
    account: Id | None = None
    contact: Id | None = None
    lead: Id | None = None
    competitor: str = Field("", max_length=200)
    lines: list[DealLineIn] = Field([], max_length=100)


def _move_rules(schema: dict[str, Any]) -> None:
    state_no_nul(schema)
    schema["allOf"] = [
        {
            "if": {"properties": {"stage": {"const": "lost"}}, "required": ["stage"]},
            "then": {
                "required": ["lost_reason"],
                "properties": {"lost_reason": {"enum": list(LostReason.values)}},
            },
        }
    ]


class DealMoveIn(StrictInput):
    """Move to another stage of the deal's pipeline. Won needs an amount (here or already on the deal);
    lost needs `lost_reason`. Send the `version` you read: if someone moved the deal meanwhile the
    answer is 409 and nothing changes."""

    model_config = ConfigDict(json_schema_extra=_move_rules)

    stage: StageRef
    amount: Money | None = None
    lost_reason: LostReasonName | None = None
    competitor: str | None = Field(None, max_length=200)
    competitor_product: str | None = Field(None, max_length=200)
    lost_note: str = Field("", max_length=2000)
    version: int | None = Field(None, ge=1, le=2**31 - 1)


class DealConvertIn(StrictInput):
    """Everything optional: the deal's name defaults to the company (or the person)."""

    name: str = Field("", max_length=200)
    amount: Money | None = None
    currency: CurrencyCode | None = None
    pipeline: Id | None = None
    expected_close: dt.date | None = None
    lines: list[DealLineIn] = Field([], max_length=100)


class DealConvertOut(Schema):
    deal: int
    contact: int | None
    account: int | None


class DealLineOut(Schema):
    id: int
    product: int | None
    product_name: str | None
    description: str
    quantity: Decimal
    unit_price: Decimal

    @staticmethod
    def resolve_product(obj: Any) -> int | None:
        return obj.product_id

    @staticmethod
    def resolve_product_name(obj: Any) -> str | None:
        return obj.product.name if obj.product_id else None


class DealOut(Schema):
    id: int
    name: str
    pipeline: int
    stage: int
    stage_key: str
    stage_name: str
    status: str
    amount: Decimal | None
    currency: str
    probability: int = Field(description="The deal's own, else its stage's")
    expected_close: dt.date | None
    owner: int | None
    owner_username: str | None
    team: int | None
    account: int | None
    contact: int | None
    lead: int | None
    channel: int | None
    campaign: int | None
    competitor: str
    competitor_product: str
    lost_reason: str
    lost_note: str
    created_at: dt.datetime
    updated_at: dt.datetime
    stage_changed_at: dt.datetime
    closed_at: dt.datetime | None
    recycle_at: dt.datetime | None
    version: int
    lines: list[DealLineOut]

    @staticmethod
    def resolve_stage_key(obj: Any) -> str:
        return str(obj.stage.key)

    @staticmethod
    def resolve_stage_name(obj: Any) -> str:
        return str(obj.stage.display_name)

    @staticmethod
    def resolve_probability(obj: Any) -> int:
        return int(obj.probability if obj.probability is not None else obj.stage.probability)

    @staticmethod
    def resolve_owner_username(obj: Any) -> str | None:
        return obj.owner.username if obj.owner_id else None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_pipeline(obj: Any) -> int | None:
        return obj.pipeline_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_stage(obj: Any) -> int | None:
        return obj.stage_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_owner(obj: Any) -> int | None:
        return obj.owner_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_team(obj: Any) -> int | None:
        return obj.team_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_account(obj: Any) -> int | None:
        return obj.account_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_contact(obj: Any) -> int | None:
        return obj.contact_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_lead(obj: Any) -> int | None:
        return obj.lead_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_channel(obj: Any) -> int | None:
        return obj.channel_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_campaign(obj: Any) -> int | None:
        return obj.campaign_id  # type: ignore[no-any-return]


class DealPageOut(Schema):
    items: list[DealOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end")


DealOrdering = Literal[
    tuple(
        f"{s}{n}"
        for n in ("created_at", "updated_at", "name", "amount", "expected_close", "stage")
        for s in ("", "-")
    )
]


class DealFilters(Schema):
    """Query parameters of GET /deals (lists comma-separated: status=won,lost)."""

    pipeline: QueryId | None = None
    stage: str | None = Field(None, max_length=200, description="Stage keys or ids, comma-separated")
    owner: str | None = Field(None, max_length=150, description="User id, username or 'none'")
    team: str | None = Field(None, max_length=100, description="Team id or slug")
    account: QueryId | None = None
    close_before: dt.date | None = Field(None, description="Expected close before this day")
    close_after: dt.date | None = Field(None, description="Expected close on or after this day")
    status: str | None = Field(
        None,
        max_length=20,
        pattern="^ *((open|won|lost) *)?(, *((open|won|lost) *)?)*$",
        description="open, won, lost (comma-separated)",
    )
    search: str | None = Field(None, max_length=200, description="Name, account or competitor")
    ordering: DealOrdering | None = Field(
        None,
        description="created_at, updated_at, name, amount, "
        "expected_close or stage; '-' for descending (default -created_at)",
    )
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()

    model_config = ConfigDict(json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


DEAL_LIST_ONLY = {"limit", "cursor"}


# ---- pipelines, stages, products, recycling --------------------------------------------------------


class PlaybookTaskSchema(StrictInput):
    title: str = Field(min_length=1, max_length=200, pattern="\\S")
    due_days: int = Field(0, ge=0, le=365)


class StageUpdateIn(StrictInput):
    name: str = Field(None, min_length=1, max_length=100, pattern="\\S")
    name_it: str | None = Field(None, max_length=100)
    position: int = Field(None, ge=0, le=1000)
    probability: int = Field(None, ge=0, le=100)
    idle_days: int | None = Field(None, ge=1, le=3650, description="Idle limit: null for none")
    playbook: list[PlaybookTaskSchema] = Field(
        None,
        max_length=20,
        description=("Tasks entering the stage creates (activities): title and days until due"),
    )


class StageIn(StageUpdateIn):
    key: str = Field(min_length=1, max_length=40, pattern="^[a-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=100, pattern="\\S")
    outcome: OutcomeName = "open"


class StageOut(Schema):
    id: int
    key: str
    name: str
    name_it: str
    display_name: str
    position: int
    probability: int
    idle_days: int | None
    outcome: str
    playbook: list[dict[str, Any]]


class PipelineUpdateIn(StrictInput):
    name: str = Field(None, min_length=1, max_length=100, pattern="\\S")
    name_it: str | None = Field(None, max_length=100)
    currency: CurrencyCode = None
    is_default: bool = None


class PipelineIn(PipelineUpdateIn):
    name: str = Field(min_length=1, max_length=100, pattern="\\S")


class PipelineOut(Schema):
    id: int
    name: str
    name_it: str
    display_name: str
    is_default: bool
    currency: str
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.all())


class PipelineListOut(Schema):
    items: list[PipelineOut]


class ProductUpdateIn(StrictInput):
    code: str = Field(None, min_length=1, max_length=40, pattern="\\S")
    name: str = Field(None, min_length=1, max_length=200, pattern="\\S")
    family: str | None = Field(None, max_length=100)
    unit_price: Money = None
    currency: CurrencyCode = None
    active: bool = None


class ProductIn(ProductUpdateIn):
    code: str = Field(min_length=1, max_length=40, pattern="\\S")
    name: str = Field(min_length=1, max_length=200, pattern="\\S")


class ProductOut(Schema):
    id: int
    code: str
    name: str
    family: str
    unit_price: Decimal
    currency: str
    active: bool


class ProductListOut(Schema):
    items: list[ProductOut]


class RecyclingIn(StrictInput):
    delay_days: int = Field(ge=1, le=3650)
    active: bool = True


class RecyclingOut(Schema):
    reason: str
    reason_name: str
    delay_days: int
    active: bool

    @staticmethod
    def resolve_reason_name(obj: Any) -> str:
        return str(obj.get_reason_display())


class RecyclingListOut(Schema):
    items: list[RecyclingOut]


class WinBackOut(Schema):
    """Why a lead came back (its lost deals) and what else of the catalogue to offer."""

    lost_deals: list[DealOut]
    suggested_products: list[ProductOut]
    because_of: int | None = Field(description="The lost deal the suggestions answer (competitor's product)")
