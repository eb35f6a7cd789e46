"""Intake records: where each lead came from, match keys, duplicates to review, merges, idempotent
answers, engagement events, import jobs, web forms and chat sessions (issue #3)."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class SourceKind(models.TextChoices):
    API = "api", _("API")
    FORM = "form", _("Web form")
    CHAT = "chat", _("Website chat")
    IMPORT = "import", _("File import")
    EVENT = "event", _("Engagement event")
    REFERRAL = "referral", _("Referral")
    REENGAGEMENT = "reengagement", _("Lost-opportunity re-engagement")
    MANUAL = "manual", _("Manual entry")
    DEMO = "demo", _("Demo data")


class LeadSource(models.Model):
    """One channel reference of a lead: kept for attribution and carried over by merges."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="sources")
    original_lead_id = models.BigIntegerField(help_text="The lead this record first landed on.")
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    channel = models.ForeignKey("leads.Channel", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    campaign = models.ForeignKey("leads.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="lead_sources")
    reference = models.CharField(max_length=200, blank=True,
                                 help_text="API client, form key, chat session, event id...")
    import_job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="sources")
    file_name = models.CharField(max_length=255, blank=True)
    row_number = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, blank=True)  # created | merged | flagged
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["lead", "received_at"]),
                   models.Index(fields=["import_job", "row_number"])]

    def __str__(self) -> str:
        return f"{self.kind}:{self.reference or self.file_name} -> lead {self.lead_id}"


class MatchKey(models.Model):
    """Indexed blocking keys, so a match looks up candidates instead of scanning every lead."""

    # No index of its own: the unique (lead, key) index serves lookups by lead. Every lead writes ten
    # or so keys, so each index here is paid ten times per lead imported. No database foreign key
    # either: its check (a trigger per row) was half of what a key row cost (docs/benchmarks.md,
    # write_floor). Leads are never deleted, the ORM's cascade still removes the keys of one that
    # is, and every reader joins the lead table, so a stray row could only be skipped.
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="match_keys",
                             db_index=False, db_constraint=False)
    key = models.CharField(max_length=120)

    class Meta:
        # (key, lead): the candidate lookup `key IN (...)` is answered from the index alone.
        indexes = [models.Index(fields=["key", "lead"], name="matchkey_key_lead")]
        constraints = [models.UniqueConstraint(fields=["lead", "key"], name="matchkey_unique")]

    def __str__(self) -> str:
        return self.key


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class DuplicateCandidate(models.Model):
    """A possible duplicate pair between the two thresholds, waiting for a person."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices,
                              default=DuplicateStatus.OPEN, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["lead", "candidate"], name="dupe_pair_unique")]

    def __str__(self) -> str:
        return f"{self.lead_id}~{self.candidate_id} ({self.score:.2f})"


class LeadMerge(models.Model):
    """A merge, inspectable afterwards: which lead survived, which was folded in, what differed.

    `merged` is empty when an incoming record (never a lead of its own) was folded into an existing
    lead by the intake pipeline; `incoming` and `source` then say what arrived and from where."""

    survivor = models.ForeignKey("leads.Lead", on_delete=models.PROTECT, related_name="merges")
    merged = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    source = models.ForeignKey(LeadSource, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    incoming = models.JSONField(default=dict, blank=True)
    filled_values = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    automatic = models.BooleanField(default=False)
    score = models.FloatField(null=True, blank=True)
    rule = models.CharField(max_length=200, blank=True)
    differing_values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.merged_id} -> {self.survivor_id}"


class IdempotencyRecord(models.Model):
    """The first answer to a request with an Idempotency-Key, replayed on retries."""

    client = models.ForeignKey(USER, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "endpoint", "key"],
                                               name="idempotency_unique")]

    def __str__(self) -> str:
        return self.key


class EngagementKind(models.TextChoices):
    CONTENT_VIEW = "content_view", _("Content view")
    LIKE = "like", _("Like")
    REACTION = "reaction", _("Reaction")
    COMMENT = "comment", _("Comment")
    SHARE = "share", _("Share")
    EMAIL_OPEN = "email_open", _("Email opened")
    EMAIL_CLICK = "email_click", _("Email link clicked")
    SOCIAL_INTERACTION = "social_interaction", _("Social interaction")
    WEBINAR_ATTENDED = "webinar_attended", _("Webinar attended")
    CHAT_MESSAGE = "chat_message", _("Chat message")
    FORM_SUBMIT = "form_submit", _("Form submitted")


class EngagementEvent(models.Model):
    """An interaction of a (possible) lead with content, email, social, events or chat (B1)."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(max_length=30, choices=EngagementKind.choices)
    channel = models.ForeignKey("leads.Channel", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    campaign = models.ForeignKey("leads.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    content_type = models.CharField(max_length=20, blank=True)  # blog | infographic | image | video
    content_ref = models.CharField(max_length=300, blank=True)
    external_event_id = models.CharField(max_length=100, blank=True, db_index=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(default=timezone.now)
    properties = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["lead", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} by lead {self.lead_id}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """A CSV/XLSX list import; resumable from `rows_committed` after a crash."""

    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500)
    file_size = models.BigIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    campaign = models.ForeignKey("leads.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="imports")
    channel = models.ForeignKey("leads.Channel", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    mapping = models.JSONField(default=dict, blank=True)
    dry_run = models.BooleanField(default=False)
    preview = models.JSONField(default=dict, blank=True,
                               help_text="The preview's dry run, computed once (importing/preview.py).")
    status = models.CharField(max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.QUEUED, db_index=True)
    encoding = models.CharField(max_length=30, blank=True)
    delimiter = models.CharField(max_length=5, blank=True)
    bytes_done = models.BigIntegerField(default=0)
    rows_committed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Who the new leads go to (leads.assignment decides if allowed); none: the unassigned queue.
    default_owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("default owner"))
    default_team = models.ForeignKey("users.Team", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("default team"))
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class RowLevel(models.TextChoices):
    ERROR = "error", _("Error")        # the row was rejected
    WARNING = "warning", _("Warning")  # the row went in, with a value repaired, dropped or cut


class ImportRowError(models.Model):
    """Why one row of an import was rejected, or what was repaired in it, downloadable as CSV."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField()
    field = models.CharField(max_length=100, blank=True)
    level = models.CharField(max_length=10, choices=RowLevel.choices, default=RowLevel.ERROR)
    message = models.CharField(max_length=500)  # as written; shown only for rows without a code
    # The message as a code (its English msgid) with parameters, rendered in the reader's language.
    code = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    raw = models.TextField(blank=True)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "row_number"])]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.message}"


class ColumnMapping(models.Model):
    """A saved manual mapping of file headers to lead fields."""

    name = models.CharField(max_length=100, unique=True)
    mapping = models.JSONField(default=dict)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


def _form_key() -> str:
    return secrets.token_urlsafe(12)


class WebForm(models.Model):
    """A public lead capture form at /f/<key>, embeddable on the allowed origins."""

    key = models.CharField(max_length=40, unique=True, default=_form_key)
    name = models.CharField(_("name"), max_length=150)
    channel = models.ForeignKey("leads.Channel", on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey("leads.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    fields = models.JSONField(default=list, blank=True, help_text="Lead fields the form asks for.")
    allowed_origins = models.TextField(blank=True, help_text="One origin per line, for CORS.")
    thank_you_url = models.URLField(blank=True)
    consent_text = models.TextField(blank=True)
    min_fill_seconds = models.PositiveSmallIntegerField(default=3)
    rate_limit_per_ip = models.PositiveSmallIntegerField(default=10, help_text="per hour")
    rate_limit_per_form = models.PositiveIntegerField(default=1000, help_text="per hour")
    is_active = models.BooleanField(default=True)
    owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who the leads it creates go to; none: the unassigned queue every manager sees (until routing).
    default_owner = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("default owner"))
    default_team = models.ForeignKey("users.Team", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("default team"))
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ChatStatus(models.TextChoices):
    BOT = "bot", _("With the chatbot")
    HUMAN = "human", _("With a sales rep")
    CLOSED = "closed", _("Closed")


class ChatSession(models.Model):
    """A website chat conversation: the bot qualifies, a rep can take over."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=ChatStatus.choices, default=ChatStatus.BOT)
    bot_step = models.CharField(max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="chat_sessions")
    agent = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    page_url = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=8, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    last_message_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-last_message_at"]

    def __str__(self) -> str:
        return str(self.public_id)


class ChatMessage(models.Model):
    session = models.ForeignKey(ChatSession, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10)  # visitor | bot | agent
    agent = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.sender}: {self.text[:40]}"


class Referral(models.Model):
    """An existing customer, contact or lead referred this lead (B1): linked and credited both ways."""

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="referrals_received")
    referrer_contact = models.ForeignKey("leads.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="referrals_made")
    referrer_account = models.ForeignKey("leads.Account", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="referrals_made")
    referrer_lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="referrals_made")
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"referral of lead {self.lead_id}"


class ChatSettings(models.Model):
    """The website chat's settings an admin edits in the UI: one row (pk 1). The sites listed here, with
    those of IMBUTO_CHAT_ALLOWED_ORIGINS, may show the chat widget."""

    allowed_origins = models.TextField(blank=True, help_text="One origin per line.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("chat settings")

    def __str__(self) -> str:
        return "chat settings"


class MatchModel(models.Model):
    """One refit of the comparison weights from the review queue's decisions (matching.learn), kept
    with its figures whether adopted or not; the newest adopted one is what the matcher uses."""

    weights = models.JSONField(default=dict, blank=True)
    decisions = models.PositiveIntegerField(default=0)     # labelled pairs it learned from
    adopted = models.BooleanField(default=False)
    figures = models.JSONField(default=dict, blank=True)   # cross-validated log-loss, current vs refit
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"match model {self.pk} ({self.decisions} decisions, {'adopted' if self.adopted else 'kept'})"
