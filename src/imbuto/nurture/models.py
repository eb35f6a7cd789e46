"""Nurturing: email templates, sequences (drip) of ordered steps, enrolments of leads in them, every
message as a row written before it is sent, and the suppression list every send checks."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import merge


class EmailTemplate(models.Model):
    """A subject and a plain-text body with merge fields ({{ first_name }}, {{ unsubscribe_url }}...)."""

    name = models.CharField(_("name"), max_length=120)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), max_length=20_000)
    track = models.BooleanField(_("track opens and clicks"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("email template")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.clean()  # an unknown merge field is refused on every path, not only through forms
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        unknown = merge.unknown_fields(self.subject, self.body)
        if unknown:
            message = _("Unknown merge field %(fields)s; use one of: %(known)s.") % {
                "fields": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
                "known": ", ".join(merge.FIELDS)}
            where = "subject" if merge.unknown_fields(self.subject) else "body"
            raise ValidationError({where: message})

class Rule(models.TextChoices):
    MANUAL = "", _("By hand only")
    MQL_NOT_READY = "mql_not_ready", _("Marketing qualified, not ready to buy")
    COLD = "cold", _("Cold leads")
    PARKED_REVISIT = "parked_revisit", _("Parked leads back on their revisit date")
    LOST_OPPORTUNITY = "lost_opportunity", _("Leads in the lost-opportunity channel (win-back)")


class Sequence(models.Model):
    """A drip: ordered steps run for each enrolled lead; `rule` enrols leads automatically."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    rule = models.CharField(_("enrol automatically"), max_length=20, choices=Rule.choices, blank=True,
                            default=Rule.MANUAL)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sequence")

    def __str__(self) -> str:
        return self.name


class StepKind(models.TextChoices):
    EMAIL = "email", _("Send an email")
    TASK = "task", _("Create a task")
    WAIT = "wait", _("Wait")
    BRANCH = "branch", _("Branch on engagement")


class Engagement(models.TextChoices):
    OPENED = "opened", _("opened or clicked")
    CLICKED = "clicked", _("clicked")


class Step(models.Model):
    """One step: email (template), task (subject, due in `days`, for the lead's owner), wait (`days`),
    or branch (if the lead engaged with this sequence's emails, jump to position `jump_to`)."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=8, choices=StepKind.choices)
    template = models.ForeignKey(EmailTemplate, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="steps", verbose_name=_("template"))
    days = models.PositiveSmallIntegerField(_("days"), default=0)
    task_subject = models.CharField(_("task"), max_length=200, blank=True)
    engagement = models.CharField(_("engagement"), max_length=8, choices=Engagement.choices, blank=True)
    jump_to = models.PositiveSmallIntegerField(_("then go to step"), null=True, blank=True)

    class Meta:
        ordering = ["sequence", "position"]
        verbose_name = _("step")
        constraints = [models.UniqueConstraint(fields=["sequence", "position"], name="nurture_step_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.get_kind_display()}"


class EnrolmentState(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    EXITED = "exited", _("Exited")


class ExitReason(models.TextChoices):
    REPLIED = "replied", _("Replied")
    CONVERTED = "converted", _("Became sales qualified")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    FAILED = "failed", _("Mail could not be delivered")
    NO_CONSENT = "no_consent", _("No consent to email")
    STOPPED = "stopped", _("Stopped by hand")


class Enrolment(models.Model):
    """A lead going through a sequence: the next step's position and when it is due (`due_at`, the
    deadline column the periodic job claims)."""

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrolments")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="enrolments")
    state = models.CharField(_("state"), max_length=10, choices=EnrolmentState.choices,
                             default=EnrolmentState.ACTIVE)
    exit_reason = models.CharField(_("exit reason"), max_length=14, choices=ExitReason.choices, blank=True)
    position = models.PositiveSmallIntegerField(_("next step"), default=1)
    due_at = models.DateTimeField(null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enrolment")
        constraints = [models.UniqueConstraint(fields=["sequence", "lead"], name="nurture_enrolment_once")]
        indexes = [models.Index(fields=["due_at"], name="nurture_enrolment_due",
                                condition=Q(state="active"))]

    def __str__(self) -> str:
        return f"{self.lead_id} in {self.sequence_id}"


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNCERTAIN = "uncertain", _("Uncertain (worker stopped while sending)")
    CANCELLED = "cancelled", _("Not sent")


class Message(models.Model):
    """One email of a sequence to one lead, written (rendered, with its Message-ID) before any attempt
    to send it; its state moves queued -> sending (a compare-and-set claim) -> sent | failed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="messages")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="messages")
    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="+", db_index=False)
    to_email = models.CharField(_("to"), max_length=254)
    domain = models.CharField(max_length=254)
    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("body"))
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=MessageState.choices,
                             default=MessageState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        constraints = [models.UniqueConstraint(fields=["enrolment", "step"], name="nurture_message_once")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="nurture_message_due"),
                   models.Index(fields=["domain", "sent_at"], name="nurture_message_domain")]

    def __str__(self) -> str:
        return self.subject


class Suppression(models.Model):
    """An address nobody mails any more (unsubscribed, bounced): checked by every send."""

    email = models.CharField(max_length=254, unique=True)
    reason = models.CharField(max_length=14, choices=ExitReason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")

    def __str__(self) -> str:
        return self.email
