"""Users and teams: lists for everyone (to pick an owner), administration for admins; `GET /me`.

Thin adapters over users.services and users.user_services; core.permissions decides.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed

from . import user_services
from .models import Team, User
from .schemas import (
    MeOut,
    PasswordResetOut,
    TeamDetailOut,
    TeamIn,
    TeamListOut,
    TeamOut,
    UserAdminOut,
    UserCreateIn,
    UserListOut,
    UserPatchIn,
)
from .services import user_add

router = Router(tags=["users"])


class UserParams(Schema):
    search: str | None = Field(None, max_length=150, description="Part of a username or name")
    role: str | None = Field(None, max_length=20)
    team: int | None = Field(None, ge=1, le=2**63 - 1)
    is_active: bool = Field(True, description="false lists deactivated users (admins only)")


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> Any:
    """The user behind the token or session, with their role and team."""
    return request.auth


@router.get("/users", response=UserListOut)
def user_list(request: HttpRequest, params: Query[UserParams]) -> Any:
    """Active users you may see (for picking an owner), by username; admins may ask for the
    deactivated ones with `is_active=false`."""
    if not params.is_active:
        _require_admin(request, User())
    qs = permissions.restrict(request.auth,
                              User.objects.filter(is_active=params.is_active).select_related("team"))
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


# ---- administration ------------------------------------------------------------------------------

def _require_admin(request: HttpRequest, obj: User | Team) -> None:
    """403 (audited) for anyone but an admin, before saying whether the object exists."""
    permissions.require(request.auth, "change", obj, ip=request.META.get("REMOTE_ADDR"))


def _user(request: HttpRequest, user_id: int) -> User:
    _require_admin(request, User())
    user = User.objects.select_related("team").filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No user with id %(id)s.") % {"id": user_id})
    return user


def _team_or_none(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        message = _("No team with id %(id)s; see /api/v1/teams.") % {"id": team_id}
        raise ValidationFailed(message, fields={"team": [message]})
    return team


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@router.post("/users", response={201: UserAdminOut})
def user_create(request: HttpRequest, payload: UserCreateIn) -> Any:
    """Add a user (admins only). The password, when given, must pass the password rules."""
    _require_admin(request, User())
    if payload.send_password_email and not payload.email:
        message = _("An email address is needed to send the link.")
        raise ValidationFailed(message, fields={"email": [message]})
    user = user_add(actor=request.auth, username=payload.username, role=payload.role,
                    team=_team_or_none(payload.team), email=payload.email,
                    first_name=payload.first_name, last_name=payload.last_name,
                    language=payload.language, password=payload.password)
    if payload.send_password_email:
        user_services.user_password_reset(actor=request.auth, user=user, base_url=_base_url(request))
    return Status(201, user)


@router.get("/users/{int:user_id}", response=UserAdminOut)
def user_detail(request: HttpRequest, user_id: int) -> Any:
    """One user with their open leads (admins only)."""
    return _user(request, user_id)


@router.patch("/users/{int:user_id}", response=UserAdminOut)
def user_update(request: HttpRequest, payload: UserPatchIn, user_id: int) -> Any:
    """Change a user (admins only). The last active admin can be neither demoted nor deactivated
    (409 `last_admin`)."""
    user = _user(request, user_id)
    sent = payload.model_fields_set
    values = {name: getattr(payload, name) for name in user_services.USER_FIELDS if name in sent}
    for name in ("username", "role", "language"):
        if name in values and values[name] is None:
            message = _("This field may not be null.")
            raise ValidationFailed(message, fields={name: [message]})
    if "team" in values:
        values["team"] = _team_or_none(values["team"])
    for name in ("email", "first_name", "last_name"):
        if name in values and values[name] is None:
            values[name] = ""
    if "is_active" in sent and payload.is_active is None:
        raise ValidationFailed(_("is_active must be true or false."),
                               fields={"is_active": [_("This field may not be null.")]})
    with transaction.atomic():  # all of it or nothing (each service is a savepoint inside)
        if payload.is_active is True:
            user = user_services.user_reactivate(actor=request.auth, user=user)
        if values:
            user = user_services.user_update(actor=request.auth, user=user, **values)
        if payload.password is not None:
            user = user_services.user_password_set(actor=request.auth, user=user,
                                                   password=payload.password)
        if payload.is_active is False:
            user = user_services.user_deactivate(actor=request.auth, user=user)
    user.refresh_from_db()
    return user


@router.post("/users/{int:user_id}/password-reset", response=PasswordResetOut)
def user_password_reset(request: HttpRequest, user_id: int) -> Any:
    """Email the user a one-time link to choose a password, in their language (admins only)."""
    user = _user(request, user_id)
    if not user.is_active or not user.email:
        raise ValidationFailed(_("No email was sent: the user is deactivated or has no email address."),
                               fields={"email": [_("No email address.")]} if not user.email else {})
    return {"sent": user_services.user_password_reset(actor=request.auth, user=user,
                                                      base_url=_base_url(request))}


@router.post("/teams", response={201: TeamOut})
def team_create(request: HttpRequest, payload: TeamIn) -> Any:
    """Create a team (admins only); names are unique whatever their case."""
    return Status(201, user_services.team_create(actor=request.auth, name=payload.name))


@router.get("/teams/{int:team_id}", response=TeamDetailOut)
def team_detail(request: HttpRequest, team_id: int) -> Any:
    """A team with its active members."""
    team = permissions.restrict(request.auth, Team.objects.filter(pk=team_id)).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    return team


@router.patch("/teams/{int:team_id}", response=TeamOut)
def team_update(request: HttpRequest, payload: TeamIn, team_id: int) -> Any:
    """Rename a team (admins only)."""
    _require_admin(request, Team())
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise NotFound(_("No team with id %(id)s.") % {"id": team_id})
    return user_services.team_update(actor=request.auth, team=team, name=payload.name)
