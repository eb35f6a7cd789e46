"""Response-time targets: the policy (one row), each team's holiday calendar, and each lead's clock."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    MINUTES = "minutes", _("business minutes")
    HOURS = "hours", _("business hours")
    DAYS = "days", _("business days")


class ContactKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("Email")
    MEETING = "meeting", _("Meeting")
    OTHER = "other", _("Other")


TEMPERATURES = ("hot", "warm", "cold")


def default_days() -> list[int]:
    return [0, 1, 2, 3, 4]


# Callables, not fixed times: Django warns (fields.W161) about a fixed time default whenever the
# clock is within seconds of it, and that warning reached `imbuto token`'s stderr at 18:00.
def opening_time() -> dt.time:
    return dt.time(9)


def closing_time() -> dt.time:
    return dt.time(18)


class SlaPolicy(models.Model):
    """The one response-time policy (pk 1): targets per temperature, reminders, the working calendar."""

    hot_target = models.PositiveIntegerField(_("hot target"), default=1)
    hot_unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.HOURS)
    warm_target = models.PositiveIntegerField(_("warm target"), default=1)
    warm_unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.DAYS)
    cold_target = models.PositiveIntegerField(_("cold target"), default=3)
    cold_unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.DAYS)
    # how long before the due time the owner is reminded (0: no reminder)
    hot_reminder = models.PositiveIntegerField(_("hot reminder"), default=15)
    hot_reminder_unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.MINUTES)
    reminder = models.PositiveIntegerField(_("reminder"), default=2)
    reminder_unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.HOURS)
    reassign_at_breach = models.BooleanField(_("reassign at breach"), default=False)
    working_days = models.JSONField(_("working days"), default=default_days)
    work_start = models.TimeField(_("working hours start"), default=opening_time)
    work_end = models.TimeField(_("working hours end"), default=closing_time)
    country = models.CharField(_("holidays of country"), max_length=2, default="IT")
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("response-time policy")

    def __str__(self) -> str:
        return "response-time policy"


class TeamCalendar(models.Model):
    """A team working in another country or region: its public holidays instead of the policy's."""

    team = models.OneToOneField("users.Team", on_delete=models.CASCADE, primary_key=True,
                                related_name="sla_calendar")
    country = models.CharField(_("holidays of country"), max_length=2)
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True)

    def __str__(self) -> str:
        return f"{self.team_id}: {self.country} {self.subdivision}".strip()


class LeadSla(models.Model):
    """One lead's response clock: since when, due when, reminded and escalated when, first contact."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, primary_key=True,
                                related_name="sla")
    started_at = models.DateTimeField()
    temperature = models.CharField(max_length=10)
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    reassigned_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    first_contact_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    first_contact_kind = models.CharField(max_length=10, choices=ContactKind.choices, blank=True)
    first_contact_note = models.TextField(blank=True)
    response_minutes = models.PositiveIntegerField(null=True, blank=True)  # business minutes

    class Meta:
        indexes = [
            models.Index(fields=["started_at"], name="sla_started"),  # analytics: clocks of a day
            models.Index(fields=["due_at"], name="sla_waiting_due",
                         condition=models.Q(first_contact_at__isnull=True)),
            models.Index(fields=["remind_at"], name="sla_waiting_remind",
                         condition=models.Q(first_contact_at__isnull=True, reminded_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"lead {self.lead_id} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def late(self) -> bool:
        return self.first_contact_at is not None and self.first_contact_at > self.due_at
