"""Routing: ordered rules choose a pool (a team's reps), a pool's members share its leads by weight
within their capacity and availability, and leads nobody can take wait for capacity.

The rules and the pools are data people edit (the routing page, /api/v1/routing); the choice itself is
pure (`engine.py`); `services.py` writes assignments through leads.assignment."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAYS = (0, 1, 2, 3, 4)  # Monday to Friday


def _default_days() -> list[int]:
    return list(WEEKDAYS)


class Pool(models.Model):
    """The reps of one team who share the leads routing sends to it; one pool per team."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.OneToOneField(
        "users.Team", on_delete=models.CASCADE, related_name="routing_pool", verbose_name=_("team")
    )
    is_default = models.BooleanField(
        _("default pool"), default=False, help_text=_("Leads no rule matches come here.")
    )
    nurturing_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nurturing owner"),
        help_text=_(
            "Who nurtures this pool's leads that are not sales qualified yet (empty: the global one)."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("routing pool")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="routing_one_default_pool"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PoolMember(models.Model):
    """A rep in a pool: their share (weight), the most open leads they hold (capacity), their skills
    and when they work (out of office dates, working days and hours in the server's time zone)."""

    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pool_memberships",
        verbose_name=_("rep"),
    )
    weight = models.PositiveIntegerField(_("weight"), default=1)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Most open leads at once (empty: no limit).")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    away_from = models.DateField(_("out of office from"), null=True, blank=True)
    away_until = models.DateField(_("out of office until"), null=True, blank=True)
    work_days = models.JSONField(_("working days"), default=_default_days, blank=True)
    work_start = models.TimeField(_("working hours from"), null=True, blank=True)
    work_end = models.TimeField(_("working hours until"), null=True, blank=True)

    class Meta:
        ordering = ["pool", "user__username"]
        verbose_name = _("pool member")
        constraints = [models.UniqueConstraint(fields=["pool", "user"], name="routing_member_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.pool}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.weight is not None and self.weight < 1:
            errors["weight"] = [str(_("The weight must be at least 1."))]
        if self.capacity is not None and self.capacity < 1:
            errors["capacity"] = [
                str(
                    _(
                        "A rep with no capacity can take no lead: set at least 1, or "
                        "leave it empty for no limit."
                    )
                )
            ]
        if self.away_from and self.away_until and self.away_until < self.away_from:
            errors["away_until"] = [str(_("The end of the absence is before its start."))]
        if (self.work_start is None) != (self.work_end is None):
            errors["work_end"] = [str(_("Give both ends of the working hours, or neither."))]
        elif self.work_start and self.work_end and self.work_end <= self.work_start:
            errors["work_end"] = [str(_("The working hours end before they start."))]
        if not isinstance(self.work_days, list) or any(
            not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in self.work_days
        ):
            errors["work_days"] = [str(_("Working days are numbers from 0 (Monday) to 6 (Sunday)."))]
        if not isinstance(self.skills, list) or any(not isinstance(s, str) for s in self.skills):
            errors["skills"] = [str(_("Skills are a list of words."))]
        if errors:
            raise ValidationError(errors)


class Rule(models.Model):
    """An ordered routing rule: a lead meeting every condition it sets goes to its pool (first match
    wins). Empty conditions match everything; a list matches any of its values."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    pool = models.ForeignKey(Pool, on_delete=models.CASCADE, related_name="rules", verbose_name=_("pool"))
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    products = models.JSONField(_("product interest"), default=list, blank=True)
    size_bands = models.JSONField(_("company sizes"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    campaigns = models.JSONField(_("campaigns"), default=list, blank=True)
    temperatures = models.JSONField(_("temperatures"), default=list, blank=True)
    min_score = models.IntegerField(_("minimum score"), null=True, blank=True)
    max_score = models.IntegerField(_("maximum score"), null=True, blank=True)
    skill = models.CharField(
        _("skill needed"),
        max_length=50,
        blank=True,
        help_text=_("Only members with this skill take these leads."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")

    def __str__(self) -> str:
        return self.name


class Waiting(models.Model):
    """A lead routing could not give to anyone yet: it stays unassigned (in the unassigned queue) and
    the periodic job tries again when capacity frees up. The row goes when the lead gets an owner."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="routing_wait")
    since = models.DateTimeField(default=timezone.now)
    pool = models.ForeignKey(Pool, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(max_length=60)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("lead waiting for routing")

    def __str__(self) -> str:
        return f"lead {self.lead_id} waiting since {self.since:%Y-%m-%d %H:%M}"


class Settings(models.Model):
    """Routing-wide settings, one row (pk 1): the global nurturing owner."""

    nurturing_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("nurturing owner"),
        help_text=_("Who nurtures leads that are not sales qualified yet, for pools without their own."),
    )

    class Meta:
        verbose_name = _("routing settings")

    def __str__(self) -> str:
        return "routing settings"

    @classmethod
    def get(cls) -> Settings:
        return cls.objects.get_or_create(pk=1)[0]
