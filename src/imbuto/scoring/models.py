"""Rules score (issue 11, scoring 1): the rules a marketer configures, the thresholds that move leads
through the lifecycle, and what scoring remembers per lead. The lead's own `score` column holds the
current total (written by scoring.services only)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleKind(models.TextChoices):
    FIT = "fit", _("Fit")
    ENGAGEMENT = "engagement", _("Engagement")


class ScoringRule(models.Model):
    """One rule: fit rules give `points` when a lead attribute matches one of `values`; engagement
    rules give `points` per engagement event of `event_kind`, halved every `half_life_days` (no decay
    when empty) and capped at `cap` points in all (no cap when empty)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices)
    attribute = models.CharField(_("attribute"), max_length=30, blank=True)
    values = models.JSONField(_("values"), default=list, blank=True)
    event_kind = models.CharField(_("engagement kind"), max_length=30, blank=True)
    points = models.IntegerField(_("points"))
    cap = models.IntegerField(_("cap"), null=True, blank=True)
    half_life_days = models.FloatField(_("half-life in days"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("scoring rule")

    def __str__(self) -> str:
        return self.name

    @property
    def attribute_label(self) -> str:
        """The tested attribute as people call it (fit rules)."""
        from .rules import ATTRIBUTES

        found = ATTRIBUTES.get(self.attribute)
        return str(found.label) if found else self.attribute


class ScoringSettings(models.Model):
    """The thresholds (one row, pk 1): score >= `mql_threshold` moves a lead to MQL, score >=
    `sql_threshold` (or an explicit buy-now signal when `buy_now_to_sql`) to SQL. Empty: no move."""

    mql_threshold = models.IntegerField(_("MQL threshold"), null=True, blank=True)
    sql_threshold = models.IntegerField(_("SQL threshold"), null=True, blank=True)
    buy_now_to_sql = models.BooleanField(_("buy-now signal moves to SQL"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scoring thresholds")

    def __str__(self) -> str:
        return f"MQL {self.mql_threshold} / SQL {self.sql_threshold}"


class FloatListField(models.Field):
    """A list of floats: a `double precision[]` on PostgreSQL, JSON text elsewhere. The nightly decay
    reads every lead's sums: an array element costs PostgreSQL next to nothing, a jsonb key lookup and
    its text-to-float conversion about 0.75 s of CPU per 1,000,000 leads (six rules, measured)."""

    def db_type(self, connection: Any) -> str:
        return "double precision[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> list[float] | None:
        if value is None:
            return None
        return [float(v) for v in (json.loads(value) if isinstance(value, str) else value)]

    def to_python(self, value: Any) -> list[float] | None:
        if value is None or isinstance(value, list):
            return value
        return [float(v) for v in json.loads(value)]

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        values = [float(v) for v in value]
        return values if connection.vendor == "postgresql" else json.dumps(values)


class LeadScore(models.Model):
    """What scoring last wrote for a lead: its parts, when, and the highest stage scoring moved it to
    (so a person sending a lead back is not overruled by the next rescore). Written only on change.

    `decayed` (the lead's decayed event count per engagement rule, in the order of the rules' ids; a sum
    below 1e-100 kept as 0) as of `engagement_as_of`, computed with the rules whose fingerprint is
    `rules_key` (compute.rules_key, which holds those ids in that order):
    decay is multiplicative, so the nightly decay multiplies these by 0.5 ** (days since / half-life)
    instead of reading the events again (scoring.sqlpath). `engagement_as_of` empty: not usable (no
    sums yet, or an event dated after the computation), the nightly run takes the events."""

    lead = models.OneToOneField(
        "leads.Lead", primary_key=True, on_delete=models.CASCADE, related_name="score_detail"
    )
    fit = models.IntegerField(default=0)
    engagement = models.IntegerField(default=0)
    total = models.IntegerField(default=0)
    computed_at = models.DateTimeField()
    promoted_to = models.CharField(max_length=20, blank=True)
    decayed = FloatListField(default=list, blank=True)
    engagement_as_of = models.DateTimeField(null=True, blank=True)
    rules_key = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("lead score")

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.total}"
