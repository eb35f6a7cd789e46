"""Discard and park keep the typed note, and need a reason chosen (issue 10, items 1 and 2)."""

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core.models import HistoryEntry

pytestmark = pytest.mark.django_db


def move(lead):
    return f"/leads/{lead.pk}/transition/"


def test_discard_keeps_the_note_typed_with_a_listed_reason(client_as, rep, rep_lead):
    client = client_as(rep)
    client.post(move(rep_lead), {"to": "discarded", "reason_code": "no_purchase_intent",
                                 "note": "only wanted a brochure"})
    rep_lead.refresh_from_db()
    assert rep_lead.disposition_reason == "no_purchase_intent"
    assert rep_lead.disposition_note == "only wanted a brochure"
    body = client.get(f"/leads/{rep_lead.pk}/").content.decode()
    assert "only wanted a brochure" in body
    assert "No purchase intent" in body
    assert "no_purchase_intent" not in body.split('id="timeline-panel"')[1]


def test_park_keeps_the_note_typed_with_a_listed_reason(client_as, rep, rep_lead):
    later = timezone.localdate() + dt.timedelta(days=30)
    client_as(rep).post(move(rep_lead), {"to": "parked", "parked_until": later.isoformat(),
                                         "reason_code": "no_budget", "note": "budget in March"})
    rep_lead.refresh_from_db()
    assert (rep_lead.disposition_reason, rep_lead.disposition_note) == ("no_budget", "budget in March")
    entry = HistoryEntry.objects.filter(action="transition").latest("id")
    assert entry.reason == "budget in March"


def test_park_without_a_reason_is_refused_not_recorded_as_competitor(client_as, rep, rep_lead):
    later = timezone.localdate() + dt.timedelta(days=30)
    refused = client_as(rep).post(move(rep_lead), {"to": "parked", "parked_until": later.isoformat(),
                                                   "reason_code": "", "note": "call back"})
    assert refused.status_code == 422
    assert b"Parking a lead needs a reason" in refused.content
    body = refused.content.decode()
    assert 'value="call back"' in body  # the typed note is still in the form
    rep_lead.refresh_from_db()
    assert (rep_lead.stage, rep_lead.disposition_reason) == ("suspect", "")


def test_park_form_offers_a_choose_placeholder_first(client_as, rep, rep_lead):
    body = client_as(rep).get(f"/leads/{rep_lead.pk}/").content.decode()
    park = body.split('id="park-reason"')[1].split("</select>")[0]
    assert park.index('<option value="">') < park.index('value="bought_from_competitor"')


def test_api_park_needs_a_reason_and_keeps_the_note(api_as, rep, rep_lead):
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    client = api_as(rep)
    refused = client.post(f"/api/v1/leads/{rep_lead.pk}/transition", {"to": "parked", "parked_until": later})
    assert refused.status_code == 422
    done = client.post(f"/api/v1/leads/{rep_lead.pk}/transition",
                       {"to": "parked", "parked_until": later, "reason": "not_ready", "note": "Q3"})
    assert done.status_code == 200
    rep_lead.refresh_from_db()
    assert (rep_lead.disposition_reason, rep_lead.disposition_note) == ("not_ready", "Q3")
