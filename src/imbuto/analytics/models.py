"""Analytics: sales targets (quotas) per rep or team and month or quarter. Targets are never edited in
place: a change closes the old row (`replaced_at`) and adds a new one, so what the target was on any
day stays readable (delete-as-history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


class Target(models.Model):
    """A quota: won amount and/or won deal count for one rep or one team over one month or quarter."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("rep"),
    )
    team = models.ForeignKey(
        "users.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sales_targets",
        verbose_name=_("team"),
    )
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    amount = models.DecimalField(_("target amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    count = models.PositiveIntegerField(_("target won deals"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replaced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period_start", "team_id", "user_id", "id"]
        verbose_name = _("target")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True) ^ Q(team__isnull=True), name="target_rep_xor_team"
            ),
        ]
        indexes = [
            models.Index(
                fields=["period_start"], name="target_current", condition=Q(replaced_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.user or self.team} {self.period_kind} {self.period_start}"


from .summary_models import DealFact, LeadDay, SummaryState  # noqa: E402

__all__ = ["DealFact", "LeadDay", "PeriodKind", "SummaryState", "Target"]
