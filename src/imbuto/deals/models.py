"""Deals: pipelines of stages, the product catalogue, and each deal from conversion to won or lost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StageOutcome(models.TextChoices):
    OPEN = "open", pgettext_lazy("a deal stage's outcome: still open", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class LostReason(models.TextChoices):
    DEMO = "demo_went_wrong", _("Demo went wrong")
    NOT_READY = "not_ready", _("Not ready")
    COMPETITOR = "competitor", _("Competitor came first")
    PRICE = "price", _("Price")
    NO_BUDGET = "no_budget", _("No budget")
    NO_DECISION = "no_decision", _("No decision")
    OTHER = "other", _("Other")


class Pipeline(models.Model):
    """A sales process: its ordered stages (open ones, then won and lost)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_it = models.CharField(_("Italian name"), max_length=100, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("pipeline")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_it)


def _localized(name: str, name_it: str) -> str:
    from django.utils.translation import get_language

    return name_it if name_it and (get_language() or "en")[:2] == "it" else name


class PipelineStage(models.Model):
    """A column of a pipeline. `key` is stable (qualification, proposal, won, ...); `name` is shown.
    `playbook` lists the tasks entering the stage creates: [{"title": ..., "due_days": 2}, ...]."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_it = models.CharField(_("Italian name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0)
    idle_days = models.PositiveSmallIntegerField(_("idle limit (days)"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )
    playbook = models.JSONField(_("playbook"), default=list, blank=True)

    class Meta:
        ordering = ["pipeline", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["pipeline", "key"], name="stage_key_per_pipeline")]
        verbose_name = _("stage")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return _localized(self.name, self.name_it)


class Product(models.Model):
    """An item of the company's catalogue."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    family = models.CharField(_("family"), max_length=100, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")

    def __str__(self) -> str:
        return self.name


class Deal(models.Model):
    """An opportunity: what a converted lead may buy, carried through a pipeline to won or lost.
    `version` grows on every change, so two people moving the same card at once are told."""

    name = models.CharField(_("name"), max_length=200)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(PipelineStage, on_delete=models.PROTECT, related_name="deals")
    status = models.CharField(
        _("status"), max_length=4, choices=StageOutcome.choices, default=StageOutcome.OPEN
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    probability = models.PositiveSmallIntegerField(_("probability (%)"), null=True, blank=True)
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_deals",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        "users.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("team"),
    )
    account = models.ForeignKey(
        "leads.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        "leads.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("contact"),
    )
    lead = models.ForeignKey(
        "leads.Lead",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("lead"),
    )
    # Where the lead came from when it was converted (the lead's own channel may change later, e.g.
    # to lost-opportunity when it comes back): revenue by source reads these.
    channel = models.ForeignKey(
        "leads.Channel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("channel"),
    )
    campaign = models.ForeignKey(
        "leads.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    competitor_product = models.CharField(_("competitor's product"), max_length=200, blank=True)
    lost_reason = models.CharField(_("loss reason"), max_length=20, choices=LostReason.choices, blank=True)
    lost_note = models.TextField(_("loss note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # A lost deal's lead comes back (lost-opportunity channel) at recycle_at; recycled_at when it did.
    recycle_at = models.DateTimeField(null=True, blank=True)
    recycled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deal")
        indexes = [
            models.Index(fields=["pipeline", "stage"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "closed_at"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["expected_close"]),
            models.Index(
                fields=["recycle_at"],
                name="deal_recycle_due",
                condition=Q(recycle_at__isnull=False, recycled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DealLine(models.Model):
    """A product on a deal, with its quantity and agreed unit price."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=1)
    unit_price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["deal", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="deal_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return self.description or f"#{self.pk}"


class LossRecycling(models.Model):
    """How long after a loss for this reason the lead comes back as a lead (lost-opportunity
    channel); `active` off: deals lost for it never come back by themselves."""

    reason = models.CharField(_("loss reason"), max_length=20, choices=LostReason.choices, unique=True)
    delay_days = models.PositiveSmallIntegerField(_("comes back after (days)"), default=90)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["reason"]
        verbose_name = _("recycling of lost deals")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.delay_days}"
