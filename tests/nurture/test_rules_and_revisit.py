"""Enrolment by rule and parked leads back on their revisit date (issue 13, win-back), driven by a
controlled clock; the API (templates, sequences, enrolments) and its bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core.history import history_of
from imbuto.leads.choices import Stage
from imbuto.leads.models import Channel
from imbuto.notifications.models import Notification
from imbuto.nurture import revisit, services
from imbuto.nurture.models import EmailTemplate, Enrolment
from imbuto.nurture.tasks import revisit_parked
from tests.factories import LeadFactory

from .conftest import make_sequence, template

pytestmark = pytest.mark.django_db


def test_parked_leads_come_back_on_their_revisit_date_and_rules_enrol_them(rep, monkeypatch):
    today = timezone.localdate()
    parked = LeadFactory(owner=rep, stage=Stage.PARKED, parked_until=today + dt.timedelta(days=3),
                         disposition_reason="not_ready", consent_basis="consent")
    no_consent = LeadFactory(owner=rep, stage=Stage.PARKED, parked_until=today + dt.timedelta(days=3))
    winback = make_sequence({"kind": "wait", "days": 1}, rule="parked_revisit", name="Welcome back")
    assert revisit.parked_revive(today + dt.timedelta(days=2)) == []
    monkeypatch.setattr(timezone, "localdate", lambda *a: today + dt.timedelta(days=3))
    revisit_parked.call()  # the periodic job, on the revisit date
    parked.refresh_from_db()
    assert (parked.stage, parked.parked_until, parked.disposition_reason) == (Stage.LEAD, None, "")
    assert history_of(parked).filter(reason_code="nurture.revisit").exists()
    told = Notification.objects.get(recipient=rep, code="nurture.parked_back", params__lead=str(parked))
    assert str(parked) in told.text
    assert list(Enrolment.objects.values_list("lead_id", "sequence_id")) == [(parked.pk, winback.pk)]
    no_consent.refresh_from_db()
    assert no_consent.stage == Stage.LEAD  # back in the queue, but not mailed without consent
    assert revisit_parked.call() == 0  # nothing twice

    # the other rules: MQLs not ready to buy, cold leads, the lost-opportunity channel (win-back)
    mql = make_sequence({"kind": "wait", "days": 1}, rule="mql_not_ready", name="MQL")
    lost = make_sequence({"kind": "wait", "days": 1}, rule="lost_opportunity", name="Win-back")
    ready = LeadFactory(stage=Stage.MQL, purchase_timeframe="immediate", consent_basis="consent")
    later = LeadFactory(stage=Stage.MQL, purchase_timeframe="later", consent_basis="consent")
    lost_lead = LeadFactory(stage=Stage.LEAD, consent_basis="consent",
                            channel=Channel.objects.get(slug="lost-opportunity"))
    assert services.enrol_by_rules() == 2
    assert set(Enrolment.objects.filter(sequence__in=[mql, lost]).values_list("lead_id", flat=True)) == {
        later.pk, lost_lead.pk}
    assert not Enrolment.objects.filter(lead=ready).exists()
    assert services.enrol_by_rules() == 0  # idempotent


def test_the_api_lists_creates_and_stops(api_as, marketer, rep):
    marco, rita = api_as(marketer), api_as(rep)
    bad = marco.post("/api/v1/nurture/templates", {"name": "X", "subject": "Hi {{ nickname }}", "body": "b"})
    assert bad.status_code == 422 and "{{ nickname }}" in str(bad.json())
    ok = marco.post("/api/v1/nurture/templates", {"name": "Hi", "subject": "Hi {{ first_name }}",
                                                 "body": "Hello {{ company }}\n{{ unsubscribe_url }}"})
    assert ok.status_code == 201
    refused = rita.post("/api/v1/nurture/templates", {"name": "Y", "subject": "s", "body": "b"})
    assert refused.status_code == 403
    steps = [{"kind": "email", "template": ok.json()["id"]}, {"kind": "wait", "days": 2},
             {"kind": "branch", "engagement": "opened", "jump_to": 2}]
    backwards = marco.post("/api/v1/nurture/sequences", {"name": "S", "steps": steps})
    assert backwards.status_code == 422 and "steps.3" in str(backwards.json())
    sequence = marco.post("/api/v1/nurture/sequences", {"name": "S", "rule": "cold", "steps": steps[:2]})
    assert sequence.status_code == 201 and [s["kind"] for s in sequence.json()["steps"]] == ["email", "wait"]
    lead = LeadFactory(owner=rep, consent_basis="consent")
    body = {"sequence": sequence.json()["id"], "lead": lead.pk}
    enrolled = rita.post("/api/v1/nurture/enrolments", body)
    assert enrolled.status_code == 201 and enrolled.json()["state"] == "active"
    assert rita.post("/api/v1/nurture/enrolments", body).status_code == 409
    page = rita.get(f"/api/v1/nurture/enrolments?lead={lead.pk}&limit=1").json()
    assert [e["id"] for e in page["items"]] == [enrolled.json()["id"]]
    stop = f"/api/v1/nurture/enrolments/{enrolled.json()['id']}/stop"
    stopped = rita.post(stop, {"reason": "replied"})
    assert stopped.status_code == 200 and stopped.json()["exit_reason"] == "replied"
    assert rita.post(stop, {"reason": "replied"}).status_code == 409
    assert EmailTemplate.objects.count() == 1


def test_an_unknown_merge_field_is_refused_on_save():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match=r"\{\{ nickname \}\}"):
        EmailTemplate(name="x", subject="ok", body="Dear {{nickname}}, {{ first_name }}").save()
    assert template("Fine").pk


def test_an_inbound_email_is_a_reply_an_outbound_one_is_not(rep):
    """A rep logging the email they sent keeps the lead in its sequence; the lead's answer ends it
    (and is no first contact for the response-time target)."""
    from imbuto.activities.services import activity_create
    from imbuto.nurture.tasks import exit_replied

    lead = LeadFactory(owner=rep, consent_basis="consent")
    enrolment = Enrolment.objects.create(sequence=make_sequence({"kind": "wait", "days": 1}), lead=lead)
    sent = activity_create(actor=rep, kind="email", values={"subject": "Offerta", "lead": lead})
    assert exit_replied.call([sent.pk]) == 0
    answer = activity_create(actor=rep, kind="email", values={"subject": "Re: Offerta", "lead": lead,
                                                               "direction": "inbound"})
    exit_replied.call([answer.pk])
    enrolment.refresh_from_db()
    assert enrolment.exit_reason == "replied"
    lead.refresh_from_db()
    assert lead.first_contacted_at == sent.occurred_at  # the outbound one, not the answer
