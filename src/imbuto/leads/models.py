"""Leads and where they come from: channels, campaigns, accounts and contacts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import LawfulBasis, SizeBand, Stage, Temperature, Timeframe
from .fields import size


class Channel(models.Model):
    """A lead source channel of the brief (B1). Data, seeded by a migration, editable by admins."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_it = models.CharField(_("Italian name"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=40, blank=True)
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("channel")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "en")[:2]
        return self.name_it if lang == "it" and self.name_it else self.name


class Campaign(models.Model):
    """A marketing action in one channel, with its dates and its cost (for source ROI later)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="campaigns")
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=0)
    currency = models.CharField(max_length=3, default="EUR")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")

    def __str__(self) -> str:
        return self.name


class AddressFields(models.Model):
    street = models.CharField(_("street"), max_length=size("street"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=size("postal_code"), blank=True)
    city = models.CharField(_("city"), max_length=size("city"), blank=True)
    region = models.CharField(_("province or region"), max_length=size("region"), blank=True)
    country = models.CharField(_("country"), max_length=size("country"), blank=True,
                               help_text="ISO 3166 alpha-2")

    class Meta:
        abstract = True


class Account(AddressFields):
    """A company: where converted leads become customers and contacts."""

    name = models.CharField(_("name"), max_length=200)
    website = models.CharField(_("website"), max_length=200, blank=True)
    domain = models.CharField(max_length=200, blank=True, db_index=True)
    vat_id = models.CharField(_("VAT id"), max_length=30, blank=True, db_index=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    company_key = models.CharField(max_length=200, blank=True, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_customer = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at an account (or on their own)."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or f"#{self.pk}"


class Lead(AddressFields):
    """A person or organisation that showed interest; not yet a customer (brief B1, B3)."""

    # person
    first_name = models.CharField(_("first name"), max_length=size("first_name"), blank=True)
    last_name = models.CharField(_("last name"), max_length=size("last_name"), blank=True)
    job_title = models.CharField(_("job title"), max_length=size("job_title"), blank=True)
    email = models.CharField(_("email"), max_length=size("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=size("phone"), blank=True)
    language = models.CharField(_("language"), max_length=size("language"), blank=True)
    # organisation
    company_name = models.CharField(_("company"), max_length=size("company_name"), blank=True)
    website = models.CharField(_("website"), max_length=size("website"), blank=True)
    vat_id = models.CharField(_("VAT id"), max_length=size("vat_id"), blank=True)
    tax_code = models.CharField(_("tax code"), max_length=size("tax_code"), blank=True)
    industry = models.CharField(_("industry"), max_length=size("industry"), blank=True)
    size_band = models.CharField(_("size"), max_length=size("size_band"), choices=SizeBand.choices,
                                 blank=True)
    # where it came from
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="leads", verbose_name=_("channel"))
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="leads", verbose_name=_("campaign"))
    utm_source = models.CharField(max_length=size("utm_source"), blank=True)
    utm_medium = models.CharField(max_length=size("utm_medium"), blank=True)
    utm_campaign = models.CharField(max_length=size("utm_campaign"), blank=True)
    utm_term = models.CharField(max_length=size("utm_term"), blank=True)
    utm_content = models.CharField(max_length=size("utm_content"), blank=True)
    referrer_contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="referred_leads", db_index=False)
    referrer_account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="referred_leads", db_index=False)
    external_id = models.CharField(max_length=size("external_id"), blank=True)
    # who works it
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="owned_leads",
                              verbose_name=_("owner"), db_index=False)
    team = models.ForeignKey("users.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="leads", verbose_name=_("team"), db_index=False)
    # qualification
    stage = models.CharField(_("stage"), max_length=size("stage"), choices=Stage.choices,
                             default=Stage.SUSPECT)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    temperature = models.CharField(_("temperature"), max_length=size("temperature"),
                                   choices=Temperature.choices,
                                   default=Temperature.COLD)
    temperature_overridden = models.BooleanField(default=False)
    purchase_timeframe = models.CharField(_("purchase timeframe"), max_length=size("purchase_timeframe"),
                                          choices=Timeframe.choices, default=Timeframe.UNKNOWN)
    score = models.IntegerField(_("score"), null=True, blank=True)
    disposition_reason = models.CharField(_("disposition reason"), max_length=40, blank=True)
    disposition_note = models.TextField(blank=True)
    parked_until = models.DateField(_("parked until"), null=True, blank=True)
    # consent (GDPR)
    consent_basis = models.CharField(_("lawful basis"), max_length=size("consent_basis"), blank=True,
                                     choices=LawfulBasis.choices)
    consent_at = models.DateTimeField(_("consent date"), null=True, blank=True)
    consent_channel = models.CharField(_("consent channel"), max_length=size("consent_channel"), blank=True)
    # response time (routing issue)
    first_contacted_at = models.DateTimeField(null=True, blank=True)
    # matching keys and data quality (intake)
    domain = models.CharField(max_length=200, blank=True)
    company_key = models.CharField(max_length=200, blank=True)
    name_key = models.CharField(max_length=100, blank=True)
    quality_flags = models.JSONField(default=dict, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_leads", db_index=False)
    # conversion (pipeline issue)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="leads", db_index=False)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="leads", db_index=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        # Every index costs each of the million rows an import writes: exact-identity lookups (no
        # LIKE pattern twins), composites that also serve their first column, and partial indexes for
        # the links most leads never have.
        indexes = [
            models.Index(fields=["owner", "stage"]),
            models.Index(fields=["team", "stage"]),
            models.Index(fields=["created_at", "id"]),
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["email"], name="lead_email"),
            models.Index(fields=["phone"], name="lead_phone"),
            models.Index(fields=["vat_id"], name="lead_vat_id"),
            models.Index(fields=["external_id"], name="lead_external_id"),
            # the stage (lists, queues) and, after it, when the lead entered it (analytics: exits)
            models.Index(fields=["stage", "stage_changed_at"], name="lead_stage_changed"),
            *(models.Index(fields=[name], name=f"lead_{name}", condition=Q(**{f"{name}__isnull": False}))
              for name in ("merged_into", "account", "contact", "referrer_contact", "referrer_account")),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.company_name or self.email or self.phone or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        return str(self)


class SavedView(models.Model):
    """A user's saved lead list filters ("views"): a name and the list's query string."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_views")
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved view")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_view_owner_name")]

    def __str__(self) -> str:
        return self.name
