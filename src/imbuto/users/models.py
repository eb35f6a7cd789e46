"""Users, teams, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Sales manager")
    REP = "rep", _("Sales rep")
    MARKETER = "marketer", _("Marketer")


class Team(models.Model):
    """A sales team; a manager sees the leads of their team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username: str | None) -> User:
        """Login ignores case, as uniqueness does: `Luca` logs in as `luca`."""
        return self.get(username__iexact=username)


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    language = models.CharField(_("language"), max_length=8, blank=True)

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        constraints = [
            # `Luca` and `luca` would be two logins for one person: unique whatever the case
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique",
                                    violation_error_message=_("A user with this username already exists.")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def effective_role(self) -> str:
        return Role.ADMIN if self.is_superuser else self.role


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the raw value is shown once."""

    PREFIX = "imb_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.hint}…"

    @classmethod
    def new_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
