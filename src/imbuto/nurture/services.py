"""Writes of nurturing: templates, sequences and their steps, enrolling leads (by hand or by rule),
stopping them (by hand, reply, conversion, unsubscribe, bounce). Each writes history in one
transaction; the steps themselves run in engine.py, the mail goes out in mail.py."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from imbuto.core import explain, history, permissions
from imbuto.core.errors import Conflict, NotFound, ValidationFailed, from_django_validation
from imbuto.core.types import Actor
from imbuto.leads.models import Lead

from . import audience
from .codes import ENROLLED_BY_RULE
from .models import (
    EmailTemplate,
    Enrolment,
    EnrolmentState,
    ExitReason,
    Message,
    MessageState,
    Sequence,
    Step,
    StepKind,
    Suppression,
)

TEMPLATE_FIELDS = ("name", "subject", "body", "track")
logger = logging.getLogger(__name__)
STEP_FIELDS = ("kind", "template_id", "days", "task_subject", "engagement", "jump_to")


def _clean(obj: Any, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


@transaction.atomic
def template_save(*, actor: Actor, values: dict[str, Any], template: EmailTemplate | None = None
                  ) -> EmailTemplate:
    """Create a template or change one; an unknown merge field is refused (422, the field named)."""
    permissions.require(actor, "change" if template else "create", template or EmailTemplate)
    template = template or EmailTemplate(created_by=actor if getattr(actor, "pk", None) else None)
    before = {f: getattr(template, f) for f in TEMPLATE_FIELDS}
    for name in TEMPLATE_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    _clean(template, exclude=["created_by"])
    created = template.pk is None
    template.save()
    changes = {f: (before[f], getattr(template, f)) for f in TEMPLATE_FIELDS
               if created or before[f] != getattr(template, f)}
    history.record(template, actor=actor, action="created" if created else "updated", changes=changes)
    return template


def _check_steps(steps: list[Step]) -> None:
    errors: dict[str, list[str]] = {}
    count = len(steps)
    for index, step in enumerate(steps, start=1):
        where = f"steps.{index}"
        if step.kind == StepKind.EMAIL and step.template_id is None:
            errors[where] = [_("An email step needs a template.")]
        elif step.kind == StepKind.TASK and not step.task_subject.strip():
            errors[where] = [_("A task step needs what to do.")]
        elif step.kind == StepKind.WAIT and not step.days:
            errors[where] = [_("A wait step needs a number of days (at least 1).")]
        elif step.kind == StepKind.BRANCH and (not step.engagement or step.jump_to is None
                                               or not index + 1 < step.jump_to <= count + 1):
            errors[where] = [_("A branch needs an engagement and a later step to go to "
                               "(after the next one, at most %(last)s: the end).") % {"last": count + 1}]
    if errors:
        raise ValidationFailed(_("Some steps are incomplete."), fields=errors)


@transaction.atomic
def sequence_save(*, actor: Actor, values: dict[str, Any], steps: list[dict[str, Any]] | None = None,
                  sequence: Sequence | None = None) -> Sequence:
    """Create a sequence or change one; `steps` (when given) replace its steps, in order. A sequence
    with enrolments keeps its steps (changing them under running leads would skip or repeat mail)."""
    permissions.require(actor, "change" if sequence else "create", sequence or Sequence)
    sequence = sequence or Sequence(created_by=actor if getattr(actor, "pk", None) else None)
    before = {f: getattr(sequence, f) for f in ("name", "description", "rule", "active")}
    for name in before:
        if name in values:
            setattr(sequence, name, values[name])
    _clean(sequence, exclude=["created_by"])
    created = sequence.pk is None
    sequence.save()
    changes = {f: (v, getattr(sequence, f)) for f, v in before.items()
               if created or v != getattr(sequence, f)}
    if steps is not None:
        if not created and sequence.enrolments.exists():
            raise Conflict(_("Leads are enrolled in this sequence: its steps can no longer change. "
                             "Make a new sequence instead."))
        rows = [Step(sequence=sequence, position=i, **{k: v for k, v in s.items() if k in STEP_FIELDS})
                for i, s in enumerate(steps, start=1)]
        for row in rows:
            _clean(row, exclude=["sequence", "template"])
        _check_steps(rows)
        sequence.steps.all().delete()
        Step.objects.bulk_create(rows)
        changes["steps"] = (None, [f"{r.position}:{r.kind}" for r in rows])
    history.record(sequence, actor=actor, action="created" if created else "updated", changes=changes)
    return sequence


def lead_enrol(*, actor: Actor, sequence: Sequence, lead: Lead, why: dict[str, Any] | None = None
               ) -> Enrolment:
    """Enrol a lead (by hand: who may change the lead; by rule: the system). Refused for a lead one
    may not mail (no consent, no address, unsubscribed) and for one already running this sequence;
    a stopped one that sent nothing yet may start again from the first step."""
    permissions.require(actor, "change", lead, message=_("You may not enrol this lead."))
    if not sequence.active:
        raise Conflict(_("This sequence is paused."))
    if not audience.may_mail(lead):
        raise ValidationFailed(_("This lead may not receive marketing email: it needs an address and "
                                 "consent (or a legitimate interest) as its lawful basis."),
                               fields={"lead": [_("No consent to email.")]})
    if audience.is_suppressed(lead.email):
        raise ValidationFailed(_("This address unsubscribed or bounced; it is not mailed any more."),
                               fields={"lead": [_("Unsubscribed.")]})
    return _enrol(actor=actor, sequence=sequence, lead=lead, why=why)


@transaction.atomic
def _enrol(*, actor: Actor, sequence: Sequence, lead: Lead, why: dict[str, Any] | None) -> Enrolment:
    now = timezone.now()
    enrolment = Enrolment.objects.select_for_update().filter(sequence=sequence, lead=lead).first()
    if enrolment is not None and enrolment.state == EnrolmentState.ACTIVE:
        raise Conflict(_("This lead is already in this sequence."))
    if enrolment is not None and enrolment.messages.exists():
        raise Conflict(_("This lead already went through this sequence; its emails are not sent twice."))
    by = actor if getattr(actor, "pk", None) else None
    if enrolment is None:
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(sequence=sequence, lead=lead, due_at=now, enrolled_by=by)
        except IntegrityError as exc:
            raise Conflict(_("This lead is already in this sequence.")) from exc
    else:
        enrolment.state, enrolment.exit_reason, enrolment.position = EnrolmentState.ACTIVE, "", 1
        enrolment.due_at, enrolment.ended_at, enrolment.enrolled_by = now, None, by
        enrolment.save()
    history.record(enrolment, actor=actor, action="created", why=why,
                   changes={"state": [None, EnrolmentState.ACTIVE]}, data={"lead": lead.pk})
    transaction.on_commit(lambda: _advance_soon(enrolment.pk))
    return enrolment


def _advance_soon(enrolment_id: int) -> None:
    # by name: tasks.py calls this module, so importing it here would make a cycle
    try:
        import_string("imbuto.nurture.tasks.advance").enqueue(enrolment_id)
    except Exception:  # noqa: BLE001 - the periodic job runs due enrolments anyway
        logger.exception("could not enqueue enrolment %s", enrolment_id)


def enrol_by_rules(lead_ids: Iterable[int] | None = None, *, limit: int = 500) -> int:
    """Enrol the leads each active rule picks (among `lead_ids`, or all) that may be mailed and were
    never in that sequence; returns how many. Idempotent: an enrolled lead is not enrolled again."""
    count = 0
    for sequence in Sequence.objects.filter(active=True).exclude(rule=""):
        leads = audience.mailable(audience.rule_leads(sequence.rule)).exclude(
            pk__in=Enrolment.objects.filter(sequence=sequence).values("lead_id"))
        if lead_ids is not None:
            leads = leads.filter(pk__in=list(lead_ids))
        for lead in leads.order_by("pk")[:limit]:
            try:
                lead_enrol(actor=None, sequence=sequence, lead=lead,
                           why=explain.explanation(ENROLLED_BY_RULE, sequence=sequence.name))
            except (Conflict, ValidationFailed):
                continue
            count += 1
    return count


def enrolment_stop(*, actor: Actor, enrolment: Enrolment, reason: str = ExitReason.STOPPED) -> Enrolment:
    """Stop one enrolment by hand or on a reply told through the API (`reason` stopped or replied)."""
    permissions.require(actor, "change", enrolment, message=_("You may not stop this enrolment."))
    if reason not in (ExitReason.STOPPED, ExitReason.REPLIED):
        raise ValidationFailed(_("Stop with reason stopped or replied."), fields={"reason": [_("Invalid.")]})
    if enrolment.state != EnrolmentState.ACTIVE:
        raise Conflict(_("This enrolment has already ended."))
    enrolments_exit(Enrolment.objects.filter(pk=enrolment.pk), reason, actor=actor)
    enrolment.refresh_from_db()
    return enrolment


@transaction.atomic
def enrolments_exit(enrolments: Any, reason: str, *, actor: Actor = None, completed: bool = False) -> int:
    """End these active enrolments at once (their queued email is not sent); returns how many.
    `completed`: a finished one too (its last email failed: the enrolment says so)."""
    states = (EnrolmentState.ACTIVE, EnrolmentState.COMPLETED) if completed else (EnrolmentState.ACTIVE,)
    rows = list(enrolments.filter(state__in=states).select_for_update().order_by("pk"))
    if not rows:
        return 0
    now = timezone.now()
    ids = [r.pk for r in rows]
    Enrolment.objects.filter(pk__in=ids).update(state=EnrolmentState.EXITED, exit_reason=reason,
                                                ended_at=now, due_at=None)
    Message.objects.filter(enrolment_id__in=ids, state=MessageState.QUEUED).update(
        state=MessageState.CANCELLED, error=reason)
    for row in rows:
        history.record(row, actor=actor, action="exited",
                       changes={"state": [row.state, EnrolmentState.EXITED], "exit_reason": ["", reason]})
    return len(rows)


def leads_exit(lead_ids: Iterable[int], reason: str) -> int:
    """The leads replied, converted...: every active enrolment of theirs ends."""
    return enrolments_exit(Enrolment.objects.filter(lead_id__in=list(lead_ids)), reason)


@transaction.atomic
def address_suppress(email: str, reason: str) -> int:
    """Nobody mails this address any more, at once: the suppression row (checked by every send) and
    the end of every active enrolment of a lead with this address. Returns enrolments ended."""
    email = audience.normal_email(email)
    if not email:
        return 0
    Suppression.objects.get_or_create(email=email, defaults={"reason": reason})
    leads = Lead.objects.filter(email__iexact=email).values("pk")
    return enrolments_exit(Enrolment.objects.filter(lead_id__in=leads), reason)


def enrolment_get(*, actor: Actor, enrolment_id: int) -> Enrolment:
    row = permissions.restrict(actor, Enrolment.objects.select_related("sequence", "lead"), "view").filter(
        pk=enrolment_id).first()
    if row is None:
        raise NotFound(_("No such enrolment."))
    return row
