"""Customers: when an account became one, what its people say of us (feedback with a 0-10 score) and
the problems they raise until they are resolved. Purchases are the account's won deals (deals app)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SCORE_MIN, SCORE_MAX = 0, 10


class CustomerProfile(models.Model):
    """One per customer account: since when it is a customer, and the won deal that made it one.
    Written by `services.customer_mark` (idempotent); purchase figures are read from the deals."""

    account = models.OneToOneField("leads.Account", on_delete=models.CASCADE, related_name="customer_profile")
    since = models.DateTimeField(_("customer since"))
    first_deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("customer profile")

    def __str__(self) -> str:
        return f"customer {self.account_id}"


class Feedback(models.Model):
    """What a customer said: a 0-10 score (would they recommend us: 9-10 promoters, 7-8 passives, 0-6
    detractors) and a comment, recorded by staff. `referral_task` is the one task asking for referrals
    a good score gave the owner (once per feedback)."""

    account = models.ForeignKey("leads.Account", on_delete=models.CASCADE, related_name="feedback",
                                verbose_name=_("account"))
    contact = models.ForeignKey("leads.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="feedback", verbose_name=_("contact"))
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="feedback", verbose_name=_("deal"))
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("given on"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    referral_task = models.ForeignKey("activities.Activity", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [models.CheckConstraint(condition=Q(score__lte=SCORE_MAX), name="feedback_score_0_10")]
        indexes = [models.Index(fields=["account", "at"])]

    def __str__(self) -> str:
        return f"{self.score}/10"

    @property
    def band(self) -> str:
        """promoter (9-10), passive (7-8) or detractor (0-6)."""
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("a problem's status", "Open")
    RESOLVED = "resolved", _("Resolved")


class Problem(models.Model):
    """An issue a customer raised, open until someone resolves it (with what was done)."""

    account = models.ForeignKey("leads.Account", on_delete=models.CASCADE, related_name="problems",
                                verbose_name=_("account"))
    contact = models.ForeignKey("leads.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="problems", verbose_name=_("contact"))
    deal = models.ForeignKey("deals.Deal", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="problems", verbose_name=_("deal"))
    feedback = models.ForeignKey(Feedback, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="problems", verbose_name=_("feedback"))
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ProblemStatus.choices,
                              default=ProblemStatus.OPEN)
    opened_at = models.DateTimeField(_("raised on"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("problem")
        indexes = [models.Index(fields=["account", "status"]), models.Index(fields=["status", "opened_at"])]

    def __str__(self) -> str:
        return self.title
