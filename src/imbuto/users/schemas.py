"""Response bodies for users, teams and the current user."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Field, Schema

from imbuto.core import permissions
from imbuto.core.schema_rules import StrictInput

from .user_services import open_leads_of

OPEN_LEADS_LISTED = 200


class TeamOut(Schema):
    id: int
    name: str
    slug: str


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    team: int | None
    team_name: str | None
    is_active: bool

    @staticmethod
    def resolve_role(obj: Any) -> str:
        return obj.effective_role

    @staticmethod
    def resolve_team(obj: Any) -> int | None:
        return obj.team_id

    @staticmethod
    def resolve_team_name(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None


class MeOut(UserOut):
    language: str
    can_create_leads: bool

    @staticmethod
    def resolve_can_create_leads(obj: Any) -> bool:
        return permissions.can_create_lead(obj)


class UserListOut(Schema):
    items: list[UserOut]


class TeamListOut(Schema):
    items: list[TeamOut]


# ---- administration (admins only) ----------------------------------------------------------------

class _Input(StrictInput):
    """Unknown fields are an error; NUL characters are refused."""


# Django's username rule (UnicodeUsernameValidator), stated for the document (ASCII \w: narrower).
USERNAME = r"^[\w.@+-]+$"
RoleName = Literal["admin", "manager", "rep", "marketer"]
LanguageCode = Literal["", "en", "it"]


class UserCreateIn(_Input):
    """A new user. Without `password` they cannot log in until they choose one: send
    `send_password_email: true` to email them a one-time link (needs `email`)."""

    username: str = Field(..., min_length=1, max_length=150, pattern=USERNAME,
                          description="Letters, digits and @ . + - _ (unique whatever the case)")
    role: RoleName
    team: int | None = Field(None, ge=1, le=2**63 - 1, description="Team id (see /api/v1/teams)")
    email: str = Field("", max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    language: LanguageCode = Field("", description="Language of the emails Imbuto sends them")
    password: str | None = Field(None, min_length=1, max_length=4096,
                                 description="Checked by the password rules")
    send_password_email: bool = False


class UserPatchIn(_Input):
    """The fields to change. `is_active: false` deactivates (API tokens revoked, sessions ended;
    leads and history kept), `true` reactivates; `team: null` takes them out of their team."""

    # Not nullable: a user always has a username, a role, a language and a status (null would blank them).
    username: str = Field(None, min_length=1, max_length=150, pattern=USERNAME)  # type: ignore[assignment]
    role: RoleName = None  # type: ignore[assignment]
    team: int | None = Field(None, ge=1, le=2**63 - 1)
    email: str | None = Field(None, max_length=254)
    first_name: str | None = Field(None, max_length=150)
    last_name: str | None = Field(None, max_length=150)
    language: LanguageCode = None  # type: ignore[assignment]
    is_active: bool = None  # type: ignore[assignment]
    password: str | None = Field(None, min_length=1, max_length=4096)


class OpenLeadOut(Schema):
    id: int
    name: str
    stage: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj)


class UserAdminOut(UserOut):
    """What an admin sees of a user, with the open leads someone must take over when they leave."""

    language: str
    has_password: bool
    last_login: datetime | None
    date_joined: datetime
    open_lead_count: int
    open_leads: list[OpenLeadOut]

    @staticmethod
    def resolve_has_password(obj: Any) -> bool:
        return obj.has_usable_password()

    @staticmethod
    def resolve_open_lead_count(obj: Any) -> int:
        return open_leads_of(obj).count()

    @staticmethod
    def resolve_open_leads(obj: Any) -> list[Any]:
        return list(open_leads_of(obj)[:OPEN_LEADS_LISTED])


class PasswordResetOut(Schema):
    sent: bool


class TeamIn(_Input):
    name: str = Field(..., min_length=1, max_length=100)


class TeamDetailOut(TeamOut):
    member_count: int
    members: list[UserOut]

    @staticmethod
    def resolve_member_count(obj: Any) -> int:
        return obj.members.filter(is_active=True).count()

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.members.filter(is_active=True).select_related("team").order_by("username"))
