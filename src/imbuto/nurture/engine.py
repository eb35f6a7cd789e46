"""Running enrolments: each due enrolment is locked, its steps run in order until a wait (or the end),
and its position moves on in the same transaction as what the steps wrote (the message rows, the
tasks), so a retried or duplicated run does nothing twice. Email goes out after commit (mail.py)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from imbuto.leads.models import Lead

from . import audience, merge, tracking
from .models import Engagement, Enrolment, EnrolmentState, ExitReason, Message, MessageState, Step, StepKind

BATCH = 200
logger = logging.getLogger(__name__)


def merge_values(lead: Lead, unsubscribe_url: str) -> dict[str, str]:
    owner = lead.owner
    owner_name = (owner.get_full_name() or owner.username) if owner else ""
    return {"first_name": lead.first_name, "last_name": lead.last_name,
            "full_name": f"{lead.first_name} {lead.last_name}".strip(), "company": lead.company_name,
            "job_title": lead.job_title, "owner_name": owner_name,
            "owner_email": owner.email if owner else "",
            "unsubscribe_url": unsubscribe_url}


def message_id_for(domain_of_sender: str) -> str:
    return f"<nurture-{uuid.uuid4().hex}@{domain_of_sender}>"


def sender_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or "localhost"


def _write_message(enrolment: Enrolment, step: Step, lead: Lead) -> Message:
    template = step.template
    assert template is not None  # checked when the steps were saved
    message = Message(enrolment=enrolment, step=step, lead=lead, to_email=lead.email,
                      domain=lead.email.rpartition("@")[2].lower(), subject="", body="",
                      message_id=message_id_for(sender_domain()))
    message.save()  # its id is in the unsubscribe and tracking links
    values = merge_values(lead, tracking.unsubscribe_url(message.pk))
    message.subject = " ".join(merge.render(template.subject, values).split())[:400]
    body = merge.render(template.body, values)
    if template.track:
        body = tracking.track_links(body, message.pk)
    message.body = body
    message.save(update_fields=["subject", "body"])
    return message


def _engaged(enrolment: Enrolment, kind: str) -> bool:
    sent = enrolment.messages.all()
    if kind == Engagement.CLICKED:
        return sent.filter(clicked_at__isnull=False).exists()
    return sent.filter(Q(opened_at__isnull=False) | Q(clicked_at__isnull=False)).exists()


def _task(enrolment: Enrolment, step: Step, lead: Lead, now: dt.datetime) -> None:
    from imbuto.activities.models import Activity, Kind

    Activity.objects.create(kind=Kind.TASK, subject=step.task_subject[:200], owner_id=lead.owner_id,
                            lead=lead, due_at=now + dt.timedelta(days=step.days),
                            body=str(enrolment.sequence.name))


def advance(enrolment_id: int, now: dt.datetime | None = None) -> list[int]:
    """Run the due steps of one enrolment; returns the ids of the messages written (to send)."""
    now = now or timezone.now()
    with transaction.atomic():
        enrolment = (Enrolment.objects.select_for_update().select_related("sequence")
                     .filter(pk=enrolment_id, state=EnrolmentState.ACTIVE, due_at__lte=now).first())
        if enrolment is None:
            return []  # ended, waiting, or run already
        lead = Lead.objects.select_related("owner").get(pk=enrolment.lead_id)
        steps = {s.position: s for s in enrolment.sequence.steps.select_related("template")}
        written: list[int] = []
        reason = _exit_reason(lead)
        while reason is None:
            step = steps.get(enrolment.position)
            if step is None:
                enrolment.state, enrolment.ended_at, enrolment.due_at = EnrolmentState.COMPLETED, now, None
                break
            enrolment.position += 1
            if step.kind == StepKind.EMAIL:
                written.append(_write_message(enrolment, step, lead).pk)
            elif step.kind == StepKind.TASK:
                _task(enrolment, step, lead, now)
            elif step.kind == StepKind.BRANCH and _engaged(enrolment, step.engagement):
                enrolment.position = step.jump_to or enrolment.position
            elif step.kind == StepKind.WAIT:
                enrolment.due_at = now + dt.timedelta(days=step.days)
                break
        if reason is not None:
            enrolment.state, enrolment.exit_reason = EnrolmentState.EXITED, reason
            enrolment.ended_at, enrolment.due_at = now, None
            Message.objects.filter(enrolment=enrolment, state=MessageState.QUEUED).update(
                state=MessageState.CANCELLED, error=reason)
        enrolment.save()
        if written:
            transaction.on_commit(lambda: _send_soon(written))
    return written


def _exit_reason(lead: Lead) -> str | None:
    if lead.stage in audience.CONVERTED_STAGES:
        return ExitReason.CONVERTED
    if not audience.may_mail(lead):
        return ExitReason.NO_CONSENT
    if audience.is_suppressed(lead.email):
        return ExitReason.UNSUBSCRIBED
    return None


def _send_soon(message_ids: list[int]) -> None:
    send_message = import_string("imbuto.nurture.tasks.send_message")  # by name: tasks.py imports us
    for pk in message_ids:
        try:
            send_message.enqueue(pk)
        except Exception:  # noqa: BLE001 - the periodic job sends due messages anyway
            logger.exception("could not enqueue message %s", pk)


def due_enrolments(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(Enrolment.objects.filter(state=EnrolmentState.ACTIVE, due_at__lte=now)
                .order_by("due_at", "pk").values_list("pk", flat=True)[:BATCH])
