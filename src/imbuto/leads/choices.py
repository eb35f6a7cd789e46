"""Lifecycle stages, temperature, timeframe and disposition reasons (brief B2, B3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SUSPECT = "suspect", _("Suspect")
    LEAD = "lead", _("Lead")
    MQL = "mql", _("Marketing qualified")
    SQL = "sql", _("Sales qualified")
    OPPORTUNITY = "opportunity", _("Opportunity")
    CUSTOMER = "customer", _("Customer")
    DISCARDED = "discarded", _("Discarded")
    PARKED = "parked", _("Parked")


FUNNEL = [Stage.SUSPECT, Stage.LEAD, Stage.MQL, Stage.SQL, Stage.OPPORTUNITY, Stage.CUSTOMER]
EXITS = [Stage.DISCARDED, Stage.PARKED]


class Temperature(models.TextChoices):
    HOT = "hot", _("Hot")
    WARM = "warm", _("Warm")
    COLD = "cold", _("Cold")


class Timeframe(models.TextChoices):
    IMMEDIATE = "immediate", _("Wants to buy now")
    WITHIN_2_MONTHS = "within_2_months", _("Within about two months")
    LATER = "later", _("Later than two months")
    UNKNOWN = "unknown", _("No time frame given")


class DiscardReason(models.TextChoices):
    NO_PURCHASE_INTENT = "no_purchase_intent", _("No purchase intent")
    INVALID = "invalid", _("Invalid contact data")
    SPAM = "spam", _("Spam")
    DUPLICATE = "duplicate", _("Duplicate")
    OTHER = "other", _("Other")


class ParkReason(models.TextChoices):
    BOUGHT_FROM_COMPETITOR = "bought_from_competitor", _("Bought from a competitor")
    NOT_READY = "not_ready", _("Not ready to buy")
    NO_BUDGET = "no_budget", _("No budget now")
    OTHER = "other", _("Other")


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1-9 employees")
    SMALL = "10-49", _("10-49 employees")
    MEDIUM = "50-249", _("50-249 employees")
    LARGE = "250+", _("250 or more employees")


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    NONE = "", _("Not recorded")
