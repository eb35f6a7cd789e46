"""Writes for users, teams and tokens."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from imbuto.core import history, permissions
from imbuto.core.errors import NotFound, ValidationFailed, from_django_validation
from imbuto.core.models import AuditEvent
from imbuto.core.types import Actor

from .models import ApiToken, Role, Team, User, hash_token


def team_get_or_create(*, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Team name is empty."), fields={"team": [_("This field is required.")]})
    team = Team.objects.filter(name__iexact=name).first()
    if team is None:
        team, _created = Team.objects.get_or_create(slug=slugify(name)[:50], defaults={"name": name})
    return team


def check_password_rules(password: str, user: User, field: str = "password") -> None:
    """Django's password validators, their messages in the reader's language, as a domain error."""
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(" ".join(messages), fields={field: messages}) from exc


def username_taken(username: str, *, exclude: int | None = None) -> bool:
    """Usernames are unique whatever their case: `Luca` and `luca` are one person to a team."""
    qs = User.objects.filter(username__iexact=username)
    return qs.exclude(pk=exclude).exists() if exclude else qs.exists()


def user_add(
    *, username: str, role: str, team: str | Team | None = None, password: str | None = None,
    email: str = "", first_name: str = "", last_name: str = "", language: str = "",
    actor: Actor = None, enforce_password_rules: bool = True,
) -> User:
    """Create a user with a role; an admin role also gets Django's staff/superuser flags.

    The CLI passes enforce_password_rules=False (it warns instead): the shell is the way back in."""
    if actor is not None:  # checked outside the transaction, so that the refusal's audit stays
        permissions.require(actor, "add", User())
    with transaction.atomic():
        return _user_add(username=username, role=role, team=team, password=password, email=email,
                         first_name=first_name, last_name=last_name, language=language, actor=actor,
                         enforce_password_rules=enforce_password_rules)


def _user_add(*, username: str, role: str, team: str | Team | None, password: str | None, email: str,
              first_name: str, last_name: str, language: str, actor: Actor,
              enforce_password_rules: bool) -> User:
    username = username.strip()
    if role not in Role.values:
        raise ValidationFailed(
            _("Unknown role %(role)r; use one of %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            fields={"role": [_("Unknown role.")]},
        )
    if username_taken(username):
        raise ValidationFailed(_("User %(name)r already exists.") % {"name": username},
                               fields={"username": [_("A user with this username already exists.")]})
    if isinstance(team, str):
        team = team_get_or_create(name=team) if team.strip() else None
    user = User(
        username=username, role=role, email=email.strip(), first_name=first_name.strip(),
        last_name=last_name.strip(), team=team, language=language,
        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
    )
    if password:
        if enforce_password_rules:
            check_password_rules(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        raise from_django_validation(exc) from exc
    user.save()
    history.record(user, actor=actor, action="user_added",
                   data={"role": role, "team": user.team_id, "password_set": bool(password)})
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                              action="user_added", object_type="users.user",
                              object_id=str(user.pk), detail={"role": role})
    return user


@transaction.atomic
def token_issue(*, user: User, name: str = "", expires_at: Any = None, actor: Actor = None) -> str:
    """Create a token and return its raw value (the only time it is visible)."""
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), hint=raw[:8], expires_at=expires_at
    )
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else user,
                              action="token_issued", object_type="users.apitoken",
                              object_id=str(token.pk), detail={"user": user.username})
    return raw


@transaction.atomic
def token_revoke(*, token_id: int, actor: Actor = None) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                                  action="token_revoked", object_type="users.apitoken",
                                  object_id=str(token.pk))
    return token


# Bearer tokens are checked on every API request; the answer is kept in this process for a few
# seconds so that a busy client costs no query per request. Any save or delete of a user or token in
# this process clears it at once; a revocation, expiry change or deactivation made by another process
# (the CLI, another server worker) is honoured within TOKEN_CACHE_SECONDS. Expiry itself is checked on
# every request.
TOKEN_CACHE_SECONDS = 5.0
TOKEN_CACHE_MAX = 1000
LAST_USED_EVERY = 60  # seconds: last_used_at is written at most this often


@dataclass(frozen=True)
class _Known:
    checked: float           # _clock() at the database check
    expires_at: Any          # datetime | None
    user: User


_tokens: dict[str, _Known] = {}
_clock = time.monotonic  # replaced in tests


def token_cache_clear(**_kwargs: Any) -> None:
    """Forget every cached token (a user or token changed in this process)."""
    _tokens.clear()


for _model in (User, ApiToken):
    for _signal in (post_save, post_delete):
        _signal.connect(token_cache_clear, sender=_model, dispatch_uid="token_cache_clear")


def _token_from_db(key_hash: str) -> User | None:
    """One query (token and user); records the use at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
    if token is None or not token.is_valid or not token.user.is_active:
        _tokens.pop(key_hash, None)
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if len(_tokens) >= TOKEN_CACHE_MAX:
        _tokens.clear()
    _tokens[key_hash] = _Known(_clock(), token.expires_at, token.user)
    return token.user


def token_authenticate(raw: str) -> User | None:
    """The user behind a raw bearer token, or None (unknown, revoked, expired, inactive user).

    Each call gets its own copy of the user, so a request may annotate it freely."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    key_hash = hash_token(raw)
    known = _tokens.get(key_hash)
    if (known is None or _clock() - known.checked > TOKEN_CACHE_SECONDS
            or (known.expires_at is not None and known.expires_at <= timezone.now())):
        user = _token_from_db(key_hash)
        return copy.copy(user) if user is not None else None
    return copy.copy(known.user)
