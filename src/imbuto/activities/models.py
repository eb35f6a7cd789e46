"""Calls, emails, meetings, notes and tasks, each attached to a lead, contact, account or deal (or
several): one timeline per record across all of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
    TASK = "task", _("Task")


class Direction(models.TextChoices):
    OUTBOUND = "outbound", _("We reached out")
    INBOUND = "inbound", _("They reached us")


# the kinds that are a contact with the prospect (a lead's first one stops its response-time clock)
CONTACT_KINDS = (Kind.CALL, Kind.EMAIL, Kind.MEETING)


class Activity(models.Model):
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("notes"), blank=True)
    # when it happened (call, email, note) or starts (meeting); a task's due time
    occurred_at = models.DateTimeField(_("when"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    # a call or email we made or they made (an inbound email on a lead is a reply: it ends nurturing)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.OUTBOUND)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="activities", verbose_name=_("owner"))
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="activities", db_index=False)
    contact = models.ForeignKey("leads.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="activities", db_index=False)
    account = models.ForeignKey("leads.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="activities", db_index=False)
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="activities", db_index=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # what made it, when the system did (a stage playbook's task: "playbook:<deal>:<stage>:<entry>:<n>");
    # unique, so a retried task creates nothing twice
    source_key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [models.UniqueConstraint(fields=["source_key"], name="activity_source_key_unique",
                                               condition=~Q(source_key=""))]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_at"]),
            models.Index(fields=["kind", "created_at"]),
            *(models.Index(fields=[name, "created_at"], name=f"activity_{name}",
                           condition=Q(**{f"{name}__isnull": False}))
              for name in ("lead", "contact", "account", "deal")),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def when(self):  # noqa: ANN201 - the time the timeline shows: start, occurrence or due time
        return self.occurred_at or self.due_at or self.created_at

    @property
    def is_overdue(self) -> bool:
        return self.kind == Kind.TASK and self.done_at is None and self.due_at is not None \
            and self.due_at < timezone.now()

    @property
    def completable(self) -> bool:
        """Tasks and meetings are done or open; calls, emails and notes are logged as done."""
        return self.kind in (Kind.TASK, Kind.MEETING)
