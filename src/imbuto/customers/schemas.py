"""Request and answer shapes of /api/v1/customers/... and /api/v1/accounts/{id}/purchases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, field_validator

from imbuto.core.schema_rules import StrictInput, refuse_nul, state_no_nul
from imbuto.leads.schemas import Id, QueryId, cursor_field, integral, integral_text

from .services import COMMENT_MAX

# an integer (5.0 is one in JSON Schema; "9" and 9.5 are not)
Score = Annotated[int, Field(strict=True, ge=0, le=10), BeforeValidator(integral)]
QueryScore = Annotated[int, Field(ge=0, le=10), BeforeValidator(integral_text)]
FeedbackOrdering = Literal["at", "-at", "score", "-score"]
ProblemOrdering = Literal["opened_at", "-opened_at", "resolved_at", "-resolved_at"]


class ListQuery(Schema):
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = cursor_field()

    model_config = ConfigDict(json_schema_extra=state_no_nul)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class FeedbackFilters(ListQuery):
    account: QueryId | None = Field(None, description="Only this account's feedback")
    contact: QueryId | None = None
    deal: QueryId | None = None
    min_score: QueryScore | None = None
    max_score: QueryScore | None = None
    ordering: FeedbackOrdering = Field("-at", description="`at` (when given) or `score`; `-` for descending")


class ProblemFilters(ListQuery):
    account: QueryId | None = None
    status: Literal["open", "resolved"] | None = None
    ordering: ProblemOrdering = "-opened_at"


class CustomerFeedbackIn(StrictInput):
    account: Id
    score: Score = Field(
                       description="Would they recommend us, 0-10 (9-10 promoter, 7-8 passive, "
                                   "0-6 detractor)")
    comment: str = Field("", max_length=COMMENT_MAX)
    contact: Id | None = Field(None, description="Who said it (a contact of the account)")
    deal: Id | None = Field(None, description="About which deal (one of the account's)")
    at: dt.datetime | None = Field(None, description="When they said it (default: now); not in the future")


class CustomerFeedbackOut(Schema):
    id: int
    account: int
    contact: int | None
    deal: int | None
    score: int
    band: Literal["promoter", "passive", "detractor"]
    comment: str
    at: dt.datetime
    recorded_by: str | None
    referral_task: int | None = Field(
        description="The owner's task to ask for referrals, if the score gave one")

    @staticmethod
    def resolve_account(obj: Any) -> int:
        return int(obj.account_id)

    @staticmethod
    def resolve_contact(obj: Any) -> int | None:
        return obj.contact_id

    @staticmethod
    def resolve_deal(obj: Any) -> int | None:
        return obj.deal_id

    @staticmethod
    def resolve_recorded_by(obj: Any) -> str | None:
        return obj.recorded_by.username if obj.recorded_by_id else None

    @staticmethod
    def resolve_referral_task(obj: Any) -> int | None:
        return obj.referral_task_id


class CustomerFeedbackPage(Schema):
    items: list[CustomerFeedbackOut]
    next_cursor: str | None


class CustomerProblemIn(StrictInput):
    account: Id
    title: str = Field(min_length=1, max_length=200, pattern=r"\S", description="What the problem is")
    description: str = Field("", max_length=COMMENT_MAX)
    contact: Id | None = None
    deal: Id | None = None
    feedback: Id | None = Field(None, description="The feedback it was raised in, if any")


class CustomerProblemResolveIn(StrictInput):
    resolution: str = Field(min_length=1, max_length=COMMENT_MAX, pattern=r"\S", description="What was done")


class CustomerProblemReopenIn(StrictInput):
    reason: str = Field("", max_length=2000)


class CustomerProblemOut(Schema):
    id: int
    account: int
    contact: int | None
    deal: int | None
    feedback: int | None
    title: str
    description: str
    status: Literal["open", "resolved"]
    opened_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str

    @staticmethod
    def resolve_account(obj: Any) -> int:
        return int(obj.account_id)

    @staticmethod
    def resolve_contact(obj: Any) -> int | None:
        return obj.contact_id

    @staticmethod
    def resolve_deal(obj: Any) -> int | None:
        return obj.deal_id

    @staticmethod
    def resolve_feedback(obj: Any) -> int | None:
        return obj.feedback_id


class CustomerProblemPage(Schema):
    items: list[CustomerProblemOut]
    next_cursor: str | None


class PurchaseOut(Schema):
    deal: int
    name: str
    closed_at: dt.datetime | None
    amount: Decimal | None
    currency: str
    number: int = Field(description="1 for the first purchase, 2 for the first repeat, ...")
    repeat: bool

    @staticmethod
    def resolve_deal(obj: Any) -> int:
        return int(obj.deal_id)


class PurchasesOut(Schema):
    account: int
    is_customer: bool
    since: dt.datetime | None = Field(description="Customer since (the first won deal, or when marked)")
    count: int = Field(description="Won deals of the account, including those you may not open")
    first_at: dt.datetime | None
    last_at: dt.datetime | None
    items: list[PurchaseOut] = Field(description="The won deals you may see, oldest first")
    totals: dict[str, Decimal] = Field(description="Amounts of the listed deals per currency")

    @staticmethod
    def resolve_account(obj: Any) -> int:
        return int(obj.account_id)
