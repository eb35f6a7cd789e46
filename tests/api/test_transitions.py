"""Lifecycle moves over the API: legal ones move and are recorded, illegal ones are 409 and change nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.core.history import history_of

from .conftest import assert_error


def _move(client, lead, **body):
    return client.post(f"/api/v1/leads/{lead.pk}/transition", body)


def test_suspect_to_lead_to_mql(api_as, rep, rep_lead):
    client = api_as(rep)
    first = _move(client, rep_lead, to="lead", reason="replied to the mail")
    assert first.status_code == 200 and first.json()["stage"] == "lead"
    second = _move(client, rep_lead, to="mql")
    assert second.status_code == 200 and second.json()["stage"] == "mql"
    rep_lead.refresh_from_db()
    assert rep_lead.stage == "mql"


@pytest.mark.parametrize("target", ["customer", "opportunity", "suspect"])
def test_an_illegal_move_is_409_and_changes_nothing(api_as, rep, rep_lead, target):
    before = history_of(rep_lead).count()
    err = assert_error(_move(api_as(rep), rep_lead, to=target), 409, "invalid_transition", "to")
    assert "Suspect" in err["message"] and "Allowed" in err["message"]
    rep_lead.refresh_from_db()
    assert rep_lead.stage == "suspect" and history_of(rep_lead).count() == before


@pytest.mark.parametrize("target", ["won", "SQL", "", None, 3])
def test_an_unknown_stage_is_422(api_as, rep, rep_lead, target):
    assert_error(_move(api_as(rep), rep_lead, to=target), 422, "validation_error", "to")


def test_to_is_required_and_extra_fields_are_refused(api_as, rep, rep_lead):
    assert_error(_move(api_as(rep), rep_lead), 422, field="to")
    assert_error(_move(api_as(rep), rep_lead, to="lead", why="x"), 422, field="why")


def test_discarding_needs_a_reason(api_as, rep, rep_lead):
    assert_error(_move(api_as(rep), rep_lead, to="discarded"), 422, field="reason")
    body = _move(api_as(rep), rep_lead, to="discarded", reason="spam").json()
    assert body["stage"] == "discarded" and body["disposition_reason"] == "spam"


def test_parking_needs_a_future_date(api_as, rep, rep_lead):
    client = api_as(rep)
    assert_error(_move(client, rep_lead, to="parked"), 422, field="parked_until")
    assert_error(_move(client, rep_lead, to="parked", parked_until="not a date"), 422, field="parked_until")
    later = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    body = _move(client, rep_lead, to="parked", parked_until=later, reason="competitor").json()
    assert body["stage"] == "parked" and body["parked_until"] == later
    assert body["disposition_reason"] == "bought_from_competitor"


def test_history_says_who_when_what_and_why(api_as, rep, rep_lead):
    client = api_as(rep)
    _move(client, rep_lead, to="lead", reason="answered the phone")
    client.patch(f"/api/v1/leads/{rep_lead.pk}", {"city": "Bari"})
    _move(client, rep_lead, to="mql")
    response = client.get(f"/api/v1/leads/{rep_lead.pk}/history")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["action"] for i in items] == ["transition", "updated", "transition"]
    first = items[0]
    assert first["actor"] == rep.pk and first["actor_username"] == "rita"
    assert first["changes"] == {"stage": ["suspect", "lead"]}
    assert first["reason"] == "answered the phone"
    assert first["at"] <= items[1]["at"] <= items[2]["at"]
    assert items[1]["changes"] == {"city": ["", "Bari"]}
    assert items[2]["changes"] == {"stage": ["lead", "mql"]}


def test_history_of_an_api_created_lead_starts_with_created(api_as, rep):
    client = api_as(rep)
    lead_id = client.post("/api/v1/leads", {"first_name": "Ugo"}).json()["id"]
    items = client.get(f"/api/v1/leads/{lead_id}/history").json()["items"]
    assert items[0]["action"] == "created" and items[0]["changes"] == {"stage": [None, "suspect"]}
