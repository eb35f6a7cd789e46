"""Password reset by email: a one-time link (Django's token generator), written in the person's
language, sent for the "forgot password" page and when an admin asks for it.

The forgot-password page answers the same whether or not an account has that address, so it never
tells a stranger who works here. The token changes when the password or last login does, so a link
works once and dies when the password is set.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from imbuto.core.models import AuditEvent

from .models import User

logger = logging.getLogger(__name__)
RESEND_AFTER_SECONDS = 60


def reset_link(user: User, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base_url.rstrip("/") + reverse("users:password_reset_confirm", args=[uid, token])


def send_reset_email(user: User, *, base_url: str) -> None:
    """The email in the user's language (their setting, else the language of the page asking)."""
    language = user.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {"user": user, "link": reset_link(user, base_url), "base_url": base_url.rstrip("/"),
                   "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        subject = render_to_string("users/email/password_reset_subject.txt", context)
        body = render_to_string("users/email/password_reset_body.txt", context)
    EmailMessage(" ".join(subject.split()), body, to=[user.email]).send()


class ForgotPasswordForm(PasswordResetForm):
    """Django's form with our email: people added without a password may choose one this way too."""

    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))

    def get_users(self, email: str) -> Iterator[User]:
        users = User.objects.filter(email__iexact=email.strip(), is_active=True)
        yield from (u for u in users if u.email.casefold() == email.strip().casefold())

    def save(self, *args: Any, request: Any = None, **kwargs: Any) -> None:  # noqa: ARG002
        base_url = request.build_absolute_uri("/")
        for user in self.get_users(self.cleaned_data["email"]):
            if not cache.add(f"imbuto:reset-sent:{user.pk}", 1, RESEND_AFTER_SECONDS):
                continue  # one email a minute at most: the page must not be a way to flood an inbox
            try:
                send_reset_email(user, base_url=base_url)
            except (OSError, smtplib.SMTPException) as exc:  # the page must not tell, nor crash
                logger.error("password reset email to user %s failed: %s", user.pk, exc)
                continue
            AuditEvent.objects.create(actor=None, action="password_reset_requested",
                                      object_type="users.user", object_id=str(user.pk),
                                      ip=request.META.get("REMOTE_ADDR"))
