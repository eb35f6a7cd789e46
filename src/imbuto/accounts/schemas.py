"""Response bodies for users, teams and the current user."""

from __future__ import annotations

from typing import Any

from ninja import Schema

from imbuto.core import permissions


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
