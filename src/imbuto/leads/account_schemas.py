"""Request and response bodies of the accounts, contacts, campaigns and channels API.

Built on the leads API's shared pieces (schemas.py): lengths read from the models, strict inputs.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from .models import Account, Campaign, Contact
from .schemas import COUNTRY, Id, IdOrName, Input, SizeBandName, text


class AccountUpdateIn(Input):
    """The fields of an account to change; the name may change but never become blank."""

    name: str = Field(None, min_length=1, max_length=Account._meta.get_field("name").max_length)
    website: str | None = text(Account, "website")
    vat_id: str | None = text(Account, "vat_id")
    industry: str | None = text(Account, "industry")
    size_band: SizeBandName | None = None
    street: str | None = text(Account, "street")
    postal_code: str | None = text(Account, "postal_code")
    city: str | None = text(Account, "city")
    region: str | None = text(Account, "region")
    country: str | None = Field(None, pattern=COUNTRY)
    owner: IdOrName | None = Field(None, description="User id or username")


class AccountIn(AccountUpdateIn):
    """A new company account: it needs a name."""

    name: str = Field(min_length=1, max_length=Account._meta.get_field("name").max_length)


class AccountOut(Schema):
    id: int
    name: str
    website: str
    domain: str
    vat_id: str
    industry: str
    size_band: str
    street: str
    postal_code: str
    city: str
    region: str
    country: str
    owner: int | None
    owner_username: str | None
    is_customer: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Account) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_username(obj: Account) -> str | None:
        return obj.owner.username if obj.owner_id else None


class ContactIn(Input):
    account: Id | None = None
    first_name: str | None = text(Contact, "first_name")
    last_name: str | None = text(Contact, "last_name")
    job_title: str | None = text(Contact, "job_title")
    email: str | None = text(Contact, "email")
    phone: str | None = text(Contact, "phone")
    language: str | None = text(Contact, "language")
    owner: IdOrName | None = Field(None, description="User id or username")


class ContactOut(Schema):
    id: int
    account: int | None
    account_name: str | None
    first_name: str
    last_name: str
    job_title: str
    email: str
    phone: str
    language: str
    owner: int | None
    owner_username: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_account(obj: Contact) -> int | None:
        return obj.account_id

    @staticmethod
    def resolve_account_name(obj: Contact) -> str | None:
        return obj.account.name if obj.account_id else None

    @staticmethod
    def resolve_owner(obj: Contact) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_username(obj: Contact) -> str | None:
        return obj.owner.username if obj.owner_id else None


class CampaignIn(Input):
    name: str = Field(min_length=1, max_length=Campaign._meta.get_field("name").max_length)
    channel: str = Field(min_length=1, max_length=50, description="Channel slug")
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    cost: Decimal = Field(Decimal("0"), ge=0, max_digits=12, decimal_places=2, json_schema_extra={"anyOf": [
        {"type": "number", "minimum": 0, "maximum": 9_999_999_999.99, "multipleOf": 0.01},
        {"type": "string", "pattern": "^[0-9]{1,10}(\\.[0-9]{1,2})?$"}]})
    currency: str = Field("EUR", pattern=r"^[A-Za-z]{3}$")
    owner: IdOrName | None = Field(None, description="User id or username")


class CampaignOut(Schema):
    id: int
    name: str
    channel: str
    channel_name: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    cost: Decimal
    currency: str
    owner: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_channel(obj: Campaign) -> str:
        return obj.channel.slug

    @staticmethod
    def resolve_channel_name(obj: Campaign) -> str:
        return obj.channel.display_name

    @staticmethod
    def resolve_owner(obj: Campaign) -> int | None:
        return obj.owner_id


class ChannelOut(Schema):
    slug: str
    name: str
    group: str
    description: str
    is_active: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.display_name


class Page(Schema):
    next_cursor: str | None = None


class AccountPageOut(Page):
    items: list[AccountOut]


class ContactPageOut(Page):
    items: list[ContactOut]


class CampaignPageOut(Page):
    items: list[CampaignOut]


class ChannelListOut(Schema):
    items: list[ChannelOut]
