"""Administering people and teams: change a user, deactivate and reactivate, set or reset a password,
create and rename teams. Only an admin may (core.permissions decides); every change leaves a history
entry on the user or team and the security-relevant ones an audit event.

`user_add` and the token services live in services.py; the rules they share (unique usernames
whatever the case, password validators, team by name) are written there once.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import Conflict, DomainError, ValidationFailed, from_django_validation
from imbuto.core.models import AuditEvent
from imbuto.core.registry import Hook
from imbuto.core.types import Actor

from .models import ApiToken, Role, Team, User
from .services import check_password_rules, username_taken

F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)


class EmailFailed(DomainError):
    status = 503
    code = "email_failed"


USER_FIELDS = ("username", "first_name", "last_name", "email", "role", "team", "language")


def _audit(actor: Actor, action: str, obj: User | Team, **detail: Any) -> None:
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None, action=action,
                              object_type=obj._meta.label_lower, object_id=str(obj.pk), detail=detail)


def _allowed(action: str, target: Callable[[dict[str, Any]], Any],
             unless: Callable[[dict[str, Any]], bool] | None = None) -> Callable[[F], F]:
    """Check the permission (core.permissions, audited) before the service's transaction opens, so
    that the audit row of a refusal is not rolled back with it."""
    def decorate(service: F) -> F:
        atomic = transaction.atomic(service)

        @wraps(service)
        def checked(**kwargs: Any) -> Any:
            if unless is None or not unless(kwargs):
                permissions.require(kwargs["actor"], action, target(kwargs))
            return atomic(**kwargs)
        return cast(F, checked)
    return decorate


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def _other_active_admins(user: User) -> bool:
    """Whether someone else can still administer (locked, so two admins cannot demote each other)."""
    admins = (User.objects.select_for_update().filter(is_active=True)
              .filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).exclude(pk=user.pk))
    return bool(list(admins.values_list("pk", flat=True)[:1]))


def _keep_an_admin(user: User) -> None:
    if _is_admin(user) and user.is_active and not _other_active_admins(user):
        raise Conflict(_("%(name)s is the last active administrator: make someone else an "
                         "administrator first.") % {"name": user.username}, code="last_admin")


# Provided by the leads app (its ready()): the leads a person still owns and someone must work. Users
# sit below leads, so they ask rather than import (core.registry).
OPEN_LEADS: Hook[Callable[[User], QuerySet[Any]]] = Hook("users.open_leads")


def open_leads_of(user: User) -> QuerySet[Any]:
    """Leads this person still owns and someone must work: shown when they leave, to reassign."""
    if not OPEN_LEADS.available:
        return User.objects.none()
    return OPEN_LEADS.func(user)


@_allowed("change", lambda kw: kw["user"])
def user_update(*, actor: Actor, user: User, **values: Any) -> User:
    """Change username, names, email, role, team (a Team or None) or language; a role change to or
    from admin moves Django's staff/superuser flags along. The last active admin keeps the role."""
    unknown = set(values) - set(USER_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                               fields={name: [_("Unknown field.")] for name in unknown})
    user = User.objects.select_for_update().get(pk=user.pk)
    if "role" in values and values["role"] not in Role.values:
        raise ValidationFailed(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if "username" in values:
        values["username"] = (values["username"] or "").strip()
        if username_taken(values["username"], exclude=user.pk):
            raise ValidationFailed(_("A user with this username already exists."),
                                   fields={"username": [_("A user with this username already exists.")]})
    if values.get("role", user.effective_role) != Role.ADMIN:
        _keep_an_admin(user)  # demoting: only when another admin remains
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = user.effective_role if name == "role" else getattr(user, name)
        if isinstance(value, str):
            value = value.strip()
        if old != value:
            changes[name] = [old, value]
        setattr(user, name, value)
    if "role" in values:  # Django's own flags follow the role, both ways
        user.is_staff = user.is_superuser = values["role"] == Role.ADMIN
    if not changes:
        return user
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        raise from_django_validation(exc) from exc
    user.save()
    history.record(user, actor=actor, action="user_updated", changes=changes)
    if "role" in changes or "username" in changes:
        _audit(actor, "user_changed", user, fields=sorted(changes))
    return user


def _end_sessions(user: User) -> int:
    """Delete the person's browser sessions (database sessions; an inactive user is refused anyway)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@_allowed("change", lambda kw: kw["user"])
def user_deactivate(*, actor: Actor, user: User) -> User:
    """The person leaves: no more logins, API tokens revoked, sessions ended. Their leads, history and
    authorship stay; `open_leads_of(user)` lists what someone must take over."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    _keep_an_admin(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = _revoke_tokens(user)
    sessions = _end_sessions(user)
    open_leads = open_leads_of(user).count()
    history.record(user, actor=actor, action="user_deactivated", changes={"is_active": [True, False]},
                   data={"tokens_revoked": tokens, "sessions_ended": sessions, "open_leads": open_leads})
    _audit(actor, "user_deactivated", user, tokens_revoked=tokens, sessions_ended=sessions)
    return user


@_allowed("change", lambda kw: kw["user"])
def user_reactivate(*, actor: Actor, user: User) -> User:
    """Back in: they can log in again (their old tokens stay revoked; they make new ones)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        return user
    user.is_active = True
    user.save(update_fields=["is_active"])
    history.record(user, actor=actor, action="user_reactivated", changes={"is_active": [False, True]})
    _audit(actor, "user_reactivated", user)
    return user


def _own(kwargs: dict[str, Any]) -> bool:
    return bool(getattr(kwargs["actor"], "pk", None) == kwargs["user"].pk)


@_allowed("change", lambda kw: kw["user"], unless=_own)
def user_password_set(*, actor: Actor, user: User, password: str, current: str | None = None) -> User:
    """Set a password: an admin for anyone, or a person for themselves with their current password.

    The validators apply; the new password ends the person's other sessions (Django's session hash)."""
    own = getattr(actor, "pk", None) == user.pk
    if own and (current is None or not user.check_password(current)):
        raise ValidationFailed(_("Your current password is not correct."),
                               fields={"current_password": [_("Your current password is not correct.")]})
    check_password_rules(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    history.record(user, actor=actor, action="password_changed", data={"by": "self" if own else "admin"})
    _audit(actor, "password_changed", user, by="self" if own else "admin")
    return user


def user_password_reset(*, actor: Actor, user: User, base_url: str) -> bool:
    """Email the person a one-time link to choose a password (in their language). False when they
    have no email address or are not active: the admin is told, nothing is sent."""
    from .reset import send_reset_email

    permissions.require(actor, "change", user)
    if not user.is_active or not user.email:
        return False
    try:
        send_reset_email(user, base_url=base_url)
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("password reset email to user %s failed: %s", user.pk, exc)
        raise EmailFailed(_("The email could not be sent: the mail server did not accept it. "
                            "Check EMAIL_URL, or set a password instead.")) from exc
    with transaction.atomic():
        history.record(user, actor=actor, action="password_reset_sent")
        _audit(actor, "password_reset_sent", user)
    return True


# ---- teams ---------------------------------------------------------------------------------------

def _team_name(name: str, *, exclude: int | None = None) -> tuple[str, str]:
    """A clean, unique (whatever the case) name and a free slug for it."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Team name is empty."), fields={"name": [_("This field is required.")]})
    if len(name) > 100:
        raise ValidationFailed(_("The team name is too long (at most 100 characters)."),
                               fields={"name": [_("At most 100 characters.")]})
    others = Team.objects.exclude(pk=exclude) if exclude else Team.objects.all()
    if others.filter(name__iexact=name).exists():
        raise ValidationFailed(_("A team with this name already exists."),
                               fields={"name": [_("A team with this name already exists.")]})
    base = slugify(name)[:44] or "team"
    slug, n = base, 1
    while others.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return name, slug


@_allowed("add", lambda kw: Team())
def team_create(*, actor: Actor, name: str) -> Team:
    name, slug = _team_name(name)
    team = Team.objects.create(name=name, slug=slug)
    history.record(team, actor=actor, action="team_created", data={"name": name})
    return team


@_allowed("change", lambda kw: kw["team"])
def team_update(*, actor: Actor, team: Team, name: str) -> Team:
    """Rename a team (its slug follows; members and leads stay)."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    name, slug = _team_name(name, exclude=team.pk)
    if name == team.name:
        return team
    history.record(team, actor=actor, action="team_updated", changes={"name": [team.name, name]})
    team.name, team.slug = name, slug
    team.save(update_fields=["name", "slug"])
    return team
