"""In-app notifications: one row per recipient, stored as a code with parameters and rendered in the
reader's language (messages.py), and mailed to the recipient unless they switched email off
(`NotificationPreference`); the row stays the record of what each person was told and whether the
email went (`email_state`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailState(models.TextChoices):
    PENDING = "", _("to send")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    SKIPPED = "skipped", _("not sent")


class Notification(models.Model):
    """Something a person should know about, with a link to where it happened."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    code = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)
    link = models.CharField(max_length=300, blank=True)
    # What the notification is about ("lead-merge:123"): a retried task writes nothing twice.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The email of this notification: claimed (sending) by one task at a time, then sent or skipped
    # (email off, no address); `email_at` is when its state last changed.
    email_state = models.CharField(max_length=10, choices=EmailState.choices, blank=True, default="")
    email_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread"),
                   models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
                   models.Index(fields=["email_state", "created_at"], name="notification_email_due")]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], condition=~models.Q(key=""),
                                               name="notification_once_per_key")]

    def __str__(self) -> str:
        return f"{self.code} -> {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        from .messages import render

        return render(self.code, self.params)


class NotificationPreference(models.Model):
    """How a person wants to be told: today, whether by email too (in the app, always)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", primary_key=True)
    email = models.BooleanField(_("email me my notifications"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")

    def __str__(self) -> str:
        return f"{self.user_id}: email {'on' if self.email else 'off'}"
