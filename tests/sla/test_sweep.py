"""The periodic sweep on a controlled clock: a reminder to the owner before breach, escalation to the
team's managers at breach (the admins for a lead in no team), optional reassignment to the queue;
each once; leads found set-based; emails received by a real SMTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core import registry
from imbuto.core.email_url import parse_email_url
from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.notifications.models import Notification
from imbuto.sla import services
from imbuto.sla.models import LeadSla
from tests.factories import UserFactory
from tests.notifications.smtp import SmtpServer

from .conftest import MONDAY_10, rome

pytestmark = pytest.mark.django_db
BEFORE, REMIND, BREACH = rome(2026, 3, 2, 10, 40), rome(2026, 3, 2, 10, 46), rome(2026, 3, 2, 11, 1)


def told(user, code=None):
    qs = Notification.objects.filter(recipient=user)
    return list(qs.filter(code=code) if code else qs)


def test_reminder_once_before_breach(make_lead, rep, manager):
    lead = make_lead(owner=rep, temperature="hot")  # due 11:00, reminder 10:45
    assert services.sweep(now=BEFORE) == {"reminded": 0, "escalated": 0, "reassigned": 0}
    assert told(rep) == []
    assert services.sweep(now=REMIND)["reminded"] == 1
    (note,) = told(rep, "sla.reminder")
    assert note.key == f"sla-reminder:{lead.pk}" and note.link == f"/leads/{lead.pk}/"
    assert note.params["due"] == "2026-03-02 11:00"
    assert "waiting for a first contact" in note.text
    assert services.sweep(now=REMIND + dt.timedelta(minutes=1))["reminded"] == 0  # once only
    assert len(told(rep)) == 1 and told(manager) == []


def test_escalation_to_the_team_managers_at_breach(make_lead, rep, manager, north):
    second = UserFactory(username="marta", role="manager", team=north)
    UserFactory(username="mauro", role="manager", team=north, is_active=False)
    lead = make_lead(owner=rep, temperature="hot")
    assert services.sweep(now=BREACH) == {"reminded": 0, "escalated": 1, "reassigned": 0}
    for person in (manager, second):
        (note,) = told(person, "sla.escalation")
        assert note.key == f"sla-escalation:{lead.pk}"
    assert told(rep, "sla.reminder") == []  # past due: no reminder any more
    assert Notification.objects.filter(code="sla.escalation").count() == 2
    assert services.sweep(now=BREACH + dt.timedelta(minutes=5))["escalated"] == 0
    assert Notification.objects.filter(code="sla.escalation").count() == 2
    clock = LeadSla.objects.get(lead=lead)
    assert clock.escalated_at == BREACH and Lead.objects.get(pk=lead.pk).owner == rep


def test_unassigned_lead_escalates_to_managers_or_admins(make_lead, manager, admin, north):
    queued = make_lead(owner=None, temperature="hot", team=north)
    nowhere = make_lead(owner=None, temperature="hot")
    services.sweep(now=BREACH)
    assert [n.params["lead_id"] for n in told(manager, "sla.escalation_unassigned")] == [queued.pk]
    assert [n.params["lead_id"] for n in told(admin, "sla.escalation_unassigned")] == [nowhere.pk]


def test_contacted_closed_and_merged_leads_are_left_alone(make_lead, rep, manager):
    contacted = make_lead(owner=rep, temperature="hot")
    services.first_contact_record(actor=rep, lead_id=contacted.pk, kind="call", now=MONDAY_10)
    make_lead(owner=rep, temperature="hot", stage="discarded")
    make_lead(owner=rep, temperature="hot", merged_into=contacted)
    assert services.sweep(now=BREACH) == {"reminded": 0, "escalated": 0, "reassigned": 0}
    assert Notification.objects.count() == 0


def test_reassignment_at_breach_when_the_policy_says_so(make_lead, rep, manager, admin, north):
    values = {name: getattr(services.policy_get(), name) for name in services.POLICY_FIELDS}
    services.policy_set(actor=admin, values={**values, "reassign_at_breach": True})
    lead = make_lead(owner=rep, temperature="hot")
    waiting = make_lead(owner=rep, temperature="cold")
    assert services.sweep(now=BREACH)["reassigned"] == 1
    lead.refresh_from_db()
    assert lead.owner_id is None and lead.team_id == north.pk  # back in North's queue
    assert Lead.objects.get(pk=waiting.pk).owner == rep
    entries = history_of(lead)
    assert entries.filter(changes__has_key="owner").exists()
    note = entries.get(reason_code="sla.reassigned")
    assert note.data == {"sla_previous_owner": rep.pk} and note.actor is None
    assert LeadSla.objects.get(lead=lead).reassigned_at == BREACH
    assert services.sweep(now=BREACH + dt.timedelta(minutes=1))["reassigned"] == 0


def test_no_reassignment_by_default(make_lead, rep):
    lead = make_lead(owner=rep, temperature="hot")
    services.sweep(now=BREACH)
    assert Lead.objects.get(pk=lead.pk).owner == rep


def test_finds_leads_with_a_fixed_number_of_queries(make_lead, rep, manager, django_assert_max_num_queries):
    for _ in range(3):
        make_lead(owner=rep, temperature="hot")
    services.sweep(now=BREACH - dt.timedelta(minutes=5))  # warm the policy row
    with django_assert_max_num_queries(20) as few:
        services.sweep(now=BREACH)
    for _ in range(20):
        make_lead(owner=rep, temperature="hot")
    with django_assert_max_num_queries(len(few.captured_queries)):
        services.sweep(now=BREACH)


def test_clock_from_timezone_now(make_lead, rep, monkeypatch):
    """Without `now`, the sweep reads the clock (django.utils.timezone.now)."""
    make_lead(owner=rep, temperature="hot")
    monkeypatch.setattr(timezone, "now", lambda: REMIND)
    assert services.sweep()["reminded"] == 1


def test_the_periodic_job_is_registered():
    jobs = {job.name: job for job in registry.PERIODIC_JOBS}
    assert jobs["sla.sweep"].task == "imbuto.sla.tasks.sweep"
    assert jobs["sla.sweep"].cron == "* * * * *"


def test_reminder_and_escalation_are_emailed(make_lead, rep, manager, settings, tasks_immediate,
                                             django_capture_on_commit_callbacks):
    rep.language = "it"
    rep.save()
    with SmtpServer() as smtp:
        settings.MAILERS = {"default": parse_email_url(smtp.url)}
        settings.IMBUTO_BASE_URL = "https://crm.example.com"
        lead = make_lead(owner=rep, temperature="hot", first_name="Sara", last_name="Gallo")
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep(now=REMIND)
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep(now=BREACH)
        with django_capture_on_commit_callbacks(execute=True):
            services.sweep(now=BREACH + dt.timedelta(minutes=1))
    by_rcpt = {}
    for rcpt, msg in smtp.messages:
        by_rcpt.setdefault(tuple(rcpt), []).append(msg)
    assert set(by_rcpt) == {(rep.email,), (manager.email,)}
    (reminder,) = by_rcpt[(rep.email,)]
    (escalation,) = by_rcpt[(manager.email,)]
    assert "Sara Gallo" in reminder["Subject"] and "primo contatto" in reminder["Subject"]
    assert escalation["Subject"] == ("Imbuto: Lead Sara Gallo was not contacted by 2026-03-02 11:00, "
                                     "its response-time target.")
    assert f"https://crm.example.com/leads/{lead.pk}/" in escalation.get_content()
