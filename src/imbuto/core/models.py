"""Append-only history of domain changes and an audit trail of security events."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryEntry(models.Model):
    """One state change of one object: who, when, what (field: [old, new]) and why. Never updated."""

    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.BigIntegerField()
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(db_index=True)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)  # what a person typed, shown as typed
    # What the system wrote, as a code with parameters rendered in the reader's language (core.explain).
    reason_code = models.CharField(max_length=60, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.object_type_id}:{self.object_id} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class AuditEvent(models.Model):
    """Security-relevant events: denied access, tokens issued and revoked, logins."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"
