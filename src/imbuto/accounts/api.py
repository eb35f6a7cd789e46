"""Read-only endpoints for users and teams, and `GET /me` (who the token or session belongs to)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from imbuto.core import permissions

from .models import Team, User
from .schemas import MeOut, TeamListOut, UserListOut

router = Router(tags=["users"])


class UserParams(Schema):
    search: str | None = Field(None, max_length=150, description="Part of a username or name")
    role: str | None = Field(None, max_length=20)
    team: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    """The user behind the token or session, with their role and team."""
    return request.auth


@router.get("/users", response=UserListOut)
def user_list(request: HttpRequest, params: Query[UserParams]) -> Any:
    """Active users you may see (for picking an owner), by username."""
    qs = permissions.restrict(request.auth, User.objects.filter(is_active=True).select_related("team"))
    if params.search:
        word = params.search.replace("\x00", "")
        qs = qs.filter(username__icontains=word) | qs.filter(first_name__icontains=word) \
            | qs.filter(last_name__icontains=word)
    if params.role:
        qs = qs.filter(role=params.role)
    if params.team:
        qs = qs.filter(team_id=params.team)
    return {"items": list(qs.order_by("username")[:1000])}


@router.get("/teams", response=TeamListOut)
def team_list(request: HttpRequest) -> Any:
    return {"items": list(permissions.restrict(request.auth, Team.objects.order_by("name")))}
