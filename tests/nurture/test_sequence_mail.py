"""A sequence over a real SMTP server (issue 13, Nurturing): each step's email arrives once with its
merge fields and RFC 8058 headers; the wait holds the next one until its day; an open feeds the score;
consent is respected; an unsubscribe stops the next step at once; SMTP away -> retries -> failed and
the owner told; a refused address is a bounce."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from imbuto.activities.models import Activity
from imbuto.core.email_url import parse_email_url
from imbuto.core.errors import ValidationFailed
from imbuto.intake.models import EngagementEvent
from imbuto.notifications.models import Notification
from imbuto.nurture import engine, mail, services
from imbuto.nurture.models import Enrolment, Message, MessageState, Suppression
from tests.factories import LeadFactory
from tests.notifications.smtp import free_port

from .conftest import make_sequence, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(tasks_immediate, django_capture_on_commit_callbacks):
    """Call a service as a request would, its after-commit tasks run at once (as by a worker)."""

    def call(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return call


def test_a_sequence_sends_each_email_once_and_stops_at_the_unsubscribe(smtp, run, rep):
    first, second = template("Welcome"), template("Second")
    sequence = make_sequence({"kind": "email", "template": first}, {"kind": "wait", "days": 2},
                             {"kind": "task", "task_subject": "Call them", "days": 1},
                             {"kind": "email", "template": second}, {"kind": "wait", "days": 3},
                             {"kind": "email", "template": second})
    lead = LeadFactory(owner=rep, first_name="Sara", company_name="Gallo Srl", consent_basis="consent")
    no_consent = LeadFactory(owner=rep, consent_basis="")
    with pytest.raises(ValidationFailed, match="consent"):
        services.lead_enrol(actor=rep, sequence=sequence, lead=no_consent)

    enrolment = run(services.lead_enrol, actor=rep, sequence=sequence, lead=lead)
    assert smtp.inbox.subjects() == ["Welcome for Sara"]
    (rcpt, msg), = smtp.inbox.messages
    row = Message.objects.get()
    assert rcpt == [lead.email] and row.state == MessageState.SENT
    assert msg["Message-ID"] == row.message_id and msg["Reply-To"] == rep.email
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = msg["List-Unsubscribe"].strip("<>")
    text = msg.get_body(("plain",)).get_content()
    assert "Hello Sara of Gallo Srl" in text and unsubscribe in text and "{{" not in text
    assert "https://crm.example.com/n/c/" in text and "www.example.com/Welcome" not in text  # tracked
    # a retried send task, and the periodic job, find nothing to send again
    assert mail.deliver(row.pk) == "not due" and engine.advance(enrolment.pk) == []
    assert len(smtp.inbox.messages) == 1

    # the open pixel: one engagement row (email_open) for the score, however often it is loaded
    pixel = msg.get_body(("html",)).get_content().split('<img src="https://crm.example.com')[1].split('"')[0]
    for _ in range(2):
        assert Client().get(pixel)["Content-Type"] == "image/gif"
    assert list(EngagementEvent.objects.filter(lead=lead).values_list("kind", flat=True)) == ["email_open"]

    # two days later: the task for the owner, then the second email
    later = timezone.now() + dt.timedelta(days=2, minutes=1)
    run(engine.advance, enrolment.pk, now=later)
    task = Activity.objects.get(lead=lead)
    assert task.kind == "task" and task.owner == rep and task.subject == "Call them"
    assert smtp.inbox.subjects() == ["Welcome for Sara", "Second for Sara"]

    # one click on the unsubscribe link (RFC 8058 POST, no session, no CSRF token) takes effect at once
    response = Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and Suppression.objects.filter(email=lead.email).exists()
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.exit_reason) == ("exited", "unsubscribed")
    run(engine.advance, enrolment.pk, now=later + dt.timedelta(days=4))
    assert len(smtp.inbox.messages) == 2  # the third email never goes
    with pytest.raises(ValidationFailed, match="unsubscribed"):  # nor can anyone enrol the address again
        services.lead_enrol(actor=rep, sequence=make_sequence({"kind": "email", "template": first}),
                            lead=lead)


def test_consent_withdrawn_and_conversion_stop_what_was_queued(smtp, run, rep):
    sequence = make_sequence({"kind": "email", "template": template("One")})
    lead = LeadFactory(owner=rep, consent_basis="legitimate_interest", stage="mql")
    with pytest.MonkeyPatch.context() as patch:  # enrol and write the message, but send nothing yet
        patch.setattr(engine, "_send_soon", lambda ids: None)
        run(services.lead_enrol, actor=rep, sequence=sequence, lead=lead)
    type(lead).objects.filter(pk=lead.pk).update(consent_basis="")
    message = Message.objects.get()
    assert mail.deliver(message.pk) == "cancelled" and smtp.inbox.messages == []

    converting = LeadFactory(owner=rep, consent_basis="consent", stage="mql")
    other = make_sequence({"kind": "wait", "days": 1}, {"kind": "email", "template": template("Two")})
    enrolment = run(services.lead_enrol, actor=rep, sequence=other, lead=converting)
    from imbuto.leads.services import lead_transition

    run(lead_transition, actor=rep, lead=converting, to="sql")  # LeadStageChanged -> exit
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.exit_reason) == ("exited", "converted")


def test_smtp_away_is_retried_with_backoff_then_failed_and_the_owner_told(settings, run, rep):
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")}
    settings.IMBUTO_NURTURE_MAX_ATTEMPTS = 3
    sequence = make_sequence({"kind": "email", "template": template("Down")})
    lead = LeadFactory(owner=rep, consent_basis="consent")
    enrolment = run(services.lead_enrol, actor=rep, sequence=sequence, lead=lead)
    message = Message.objects.get()
    assert (message.state, message.attempts) == (MessageState.QUEUED, 1)
    assert mail.deliver(message.pk) == "not due"  # backing off
    now = timezone.now()
    assert mail.deliver(message.pk, now=now + dt.timedelta(minutes=2)) == "retry"
    assert mail.deliver(message.pk, now=now + dt.timedelta(minutes=3)) == "not due"  # 2 minutes now
    assert mail.deliver(message.pk, now=now + dt.timedelta(minutes=7)) == "failed"
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "Connection" in message.error
    told = Notification.objects.get(recipient=rep)
    assert told.code == "nurture.send_failed" and "3" in told.text
    enrolment.refresh_from_db()
    assert enrolment.exit_reason == "failed"


def test_a_refused_address_is_a_bounce(smtp, settings, run, rep):
    settings.IMBUTO_NURTURE_MAX_ATTEMPTS = 1
    sequence = make_sequence({"kind": "email", "template": template("Hi")}, {"kind": "wait", "days": 1},
                             {"kind": "email", "template": template("Again")})
    lead = LeadFactory(owner=rep, consent_basis="consent", email="refused@example.org")
    enrolment = run(services.lead_enrol, actor=rep, sequence=sequence, lead=lead)
    assert Message.objects.get().state == MessageState.FAILED
    assert [rcpt for rcpt, _m in smtp.inbox.messages] == [[rep.email]]  # only the owner's notification
    assert Suppression.objects.get(email="refused@example.org").reason == "bounced"
    enrolment.refresh_from_db()
    assert enrolment.exit_reason == "bounced"
    assert Notification.objects.get(recipient=rep).code == "nurture.bounced"


def test_the_domain_throttle_holds_mail_for_the_next_window(smtp, settings, run, rep):
    settings.IMBUTO_NURTURE_DOMAIN_LIMIT = 1
    sequence = make_sequence({"kind": "email", "template": template("Hi")})
    a = LeadFactory(owner=rep, consent_basis="consent", email="a@same.example")
    b = LeadFactory(owner=rep, consent_basis="consent", email="b@same.example")
    run(services.lead_enrol, actor=rep, sequence=sequence, lead=a)
    run(services.lead_enrol, actor=rep, sequence=sequence, lead=b)
    held = Message.objects.get(lead=b)
    assert len(smtp.inbox.messages) == 1 and held.state == MessageState.QUEUED
    assert held.next_attempt_at > timezone.now() + dt.timedelta(minutes=59)
    assert mail.deliver(held.pk, now=held.next_attempt_at) == "sent"
    assert Enrolment.objects.filter(state="completed").count() == 2
