"""/api/v1/activities: create with clear 4xx, the list's filters, ordering and cursor, PATCH, done,
history and a meeting's .ics."""

from __future__ import annotations

import icalendar
import pytest

from imbuto.activities.models import Kind
from imbuto.activities.schemas import KindName
from tests.factories import AccountFactory, ContactFactory, LeadFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/activities"


def test_create_read_change_complete_and_download(api_as, rep, other_rep, rep_lead, other_lead):
    api = api_as(rep)
    assert set(KindName.__args__) == set(Kind.values)
    bad = [({"kind": "task", "subject": "Offer", "lead": rep_lead.pk}, 422, "due_at"),
           ({"kind": "meeting", "subject": "Demo", "lead": rep_lead.pk}, 422, "occurred_at"),
           ({"kind": "call", "subject": "Hi"}, 422, "lead"),
           ({"kind": "call", "subject": "Hi", "lead": other_lead.pk}, 422, "lead"),
           ({"kind": "call", "subject": "Hi", "lead": rep_lead.pk, "color": "red"}, 422, "color"),
           ({"kind": "task", "subject": "X", "lead": rep_lead.pk, "due_at": "2026-03-02T10:00:00+01:00",
             "owner": other_rep.username}, 403, None)]
    for body, status, field in bad:
        response = api.post(URL, body)
        assert response.status_code == status, (body, response.content)
        if field:
            assert field in response.json()["error"]["fields"], response.json()
    response = api.post(URL, {"kind": "meeting", "subject": "Demo, with coffee", "lead": rep_lead.pk,
                              "occurred_at": "2030-05-04T15:00:00+02:00",
                              "ends_at": "2030-05-04T16:00:00+02:00",
                              "remind_at": "2030-05-04T14:45:00+02:00", "location": "Via Roma 1, Milano"})
    assert response.status_code == 201, response.content
    meeting = response.json()
    assert meeting["done"] is False and meeting["owner_username"] == "rita" and meeting["lead"] == rep_lead.pk
    one = f"{URL}/{meeting['id']}"
    changed = api.patch(one, {"subject": "Demo"})
    assert changed.status_code == 200 and changed.json()["subject"] == "Demo"
    assert api.patch(one, {"kind": "call"}).status_code == 422
    assert api_as(other_rep).get(one).status_code == 404
    done = api.post(f"{one}/done")
    assert done.status_code == 200 and done.json()["done"] is True
    history = api.get(f"{one}/history").json()["items"]
    assert [h["action"] for h in history] == ["created", "updated", "completed"]
    ics = api.get(f"{one}/ics")
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(event["summary"]) == "Demo" and str(event["location"]) == "Via Roma 1, Milano"
    assert event.decoded("dtstart").isoformat() == "2030-05-04T13:00:00+00:00"
    assert event.decoded("dtend").isoformat() == "2030-05-04T14:00:00+00:00"
    assert len(event.walk("VALARM")) == 1
    call = api.post(URL, {"kind": "call", "subject": "Hi", "lead": rep_lead.pk}).json()
    assert api.get(f"{URL}/{call['id']}/ics").status_code == 409
    assert api.post(f"{URL}/{call['id']}/done").status_code == 409


def test_the_list_filters_orders_and_pages(api_as, rep, manager, rep_lead):
    api = api_as(rep)
    account = AccountFactory(owner=rep)
    contact = ContactFactory(account=account, owner=rep)
    lead = LeadFactory(owner=rep, account=account, contact=contact)
    made = []
    for n in range(5):
        made.append(api.post(URL, {"kind": "task", "subject": f"Task {n}", "lead": lead.pk,
                                   "due_at": f"2030-01-0{n + 1}T09:00:00Z"}).json()["id"])
    note = api.post(URL, {"kind": "note", "subject": "Budget approved", "contact": contact.pk}).json()["id"]
    api.post(URL, {"kind": "call", "subject": "Elsewhere", "lead": rep_lead.pk})
    ids = lambda r: [i["id"] for i in r.json()["items"]]  # noqa: E731
    assert ids(api.get(URL, account=account.pk, ordering="created_at")) == [*made, note]
    assert ids(api.get(URL, kind="task", due_after="2030-01-02", due_before="2030-01-04",
                       ordering="when")) == made[1:3]
    assert ids(api.get(URL, search="budget")) == [note]
    assert ids(api.get(URL, done="true", contact=contact.pk)) == [note]
    first = api.get(URL, kind="task", ordering="-when", limit=2)
    assert ids(first) == made[:-3:-1]
    second = api.get(URL, kind="task", ordering="-when", limit=2, cursor=first.json()["next_cursor"])
    assert ids(second) == [made[2], made[1]]
    assert api_as(manager).get(URL, owner="rita", lead=lead.pk).json()["items"]  # the team's manager
    for query in ({"ordering": "subject"}, {"kind": "visit"}, {"cursor": "bm9wZQ"}, {"limit": 0},
                  {"due_before": "yesterday"}):
        assert api.get(URL, **query).status_code == 422, query
