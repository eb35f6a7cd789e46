"""Writes for users, teams and tokens."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from imbuto.core.errors import NotFound, ValidationFailed
from imbuto.core.models import AuditEvent

from .models import ApiToken, Role, Team, User, hash_token


def team_get_or_create(*, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed("Team name is empty.", fields={"team": ["This field is required."]})
    team, _ = Team.objects.get_or_create(slug=slugify(name)[:50], defaults={"name": name})
    return team


@transaction.atomic
def user_add(
    *, username: str, role: str, team: str | None = None, password: str | None = None,
    email: str = "", first_name: str = "", last_name: str = "", actor: Any = None,
) -> User:
    """Create a user with a role; an admin role also gets Django's staff/superuser flags."""
    if role not in Role.values:
        raise ValidationFailed(
            f"Unknown role {role!r}; use one of {', '.join(Role.values)}.",
            fields={"role": ["Unknown role."]},
        )
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"User {username!r} already exists.", fields={"username": ["Taken."]})
    user = User(
        username=username, role=role, email=email, first_name=first_name, last_name=last_name,
        team=team_get_or_create(name=team) if team else None,
        is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                              action="user_added", object_type="accounts.user",
                              object_id=str(user.pk), detail={"role": role})
    return user


@transaction.atomic
def token_issue(*, user: User, name: str = "", expires_at: Any = None, actor: Any = None) -> str:
    """Create a token and return its raw value (the only time it is visible)."""
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), hint=raw[:8], expires_at=expires_at
    )
    AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else user,
                              action="token_issued", object_type="accounts.apitoken",
                              object_id=str(token.pk), detail={"user": user.username})
    return raw


@transaction.atomic
def token_revoke(*, token_id: int, actor: Any = None) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        AuditEvent.objects.create(actor=actor if getattr(actor, "pk", None) else None,
                                  action="token_revoked", object_type="accounts.apitoken",
                                  object_id=str(token.pk))
    return token


def token_authenticate(raw: str) -> User | None:
    """The user behind a raw bearer token, or None. Updates last use at most once a minute."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
