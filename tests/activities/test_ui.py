"""The web UI: the panels of the lead, account and contact pages with their HTMX quick log, complete
and reopen, the edit page with its history, the .ics download, and My day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from imbuto.activities import services
from imbuto.activities.models import Activity
from imbuto.core import registry
from imbuto.sla import services as sla
from tests.factories import AccountFactory, ContactFactory, LeadFactory, UserFactory

pytestmark = pytest.mark.django_db
LOG = "/activities/log/"


def test_quick_log_on_the_lead_page_and_one_timeline_on_the_account(client_as, htmx, rep, manager):
    account = AccountFactory(owner=rep, name="Nord Srl")
    contact = ContactFactory(account=account, owner=rep)
    lead = LeadFactory(owner=rep, account=account, contact=contact)
    client = client_as(rep)
    page = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert f'id="activities-lead-{lead.pk}"' in page and 'name="record_kind" value="lead"' in page
    response = client.post(LOG, {"record_kind": "lead", "record_id": lead.pk, "kind": "call",
                                 "subject": "Called about the offer", "body": "Interested"}, headers=htmx)
    assert response.status_code == 200 and "Called about the offer" in response.content.decode()
    assert response.content.decode().lstrip().startswith('<section class="card panel activities-panel"')
    bad = client.post(LOG, {"record_kind": "lead", "record_id": lead.pk, "kind": "task", "subject": "Offer"},
                      headers=htmx)
    assert bad.status_code == 422 and "A task needs a due date." in bad.content.decode()
    plain = client.post(LOG, {"record_kind": "contact", "record_id": contact.pk, "kind": "note",
                              "subject": "Prefers email"})
    assert plain.status_code == 302
    assert plain["Location"] == reverse("leads:contact_detail", args=[contact.pk])
    other = LeadFactory(owner=UserFactory(username="remo", role="rep"))
    assert client.post(LOG, {"record_kind": "lead", "record_id": other.pk, "kind": "call",
                             "subject": "x"}).status_code == 404
    account_page = client_as(manager).get(reverse("leads:account_detail", args=[account.pk])).content.decode()
    assert "Called about the offer" in account_page and "Prefers email" in account_page
    contact_page = client.get(reverse("leads:contact_detail", args=[contact.pk])).content.decode()
    assert "Called about the offer" in contact_page and "Prefers email" in contact_page
    assert [p.template for p in registry.panels("deal_detail")] == ["activities/panels/deal_detail.html"]


def test_done_edit_history_and_calendar_file(client_as, htmx, rep, other_rep, rep_lead):
    start = timezone.now() + dt.timedelta(days=1)
    meeting = services.activity_create(actor=rep, kind="meeting", values={
        "subject": "Demo", "lead": rep_lead, "occurred_at": start})
    client = client_as(rep)
    done = client.post(reverse("activities:done", args=[meeting.pk]), headers=htmx)
    assert done.status_code == 200 and "Reopen" in done.content.decode()
    assert Activity.objects.get(pk=meeting.pk).done_at is not None
    edit_url = reverse("activities:edit", args=[meeting.pk])
    saved = client.post(edit_url, {"subject": "Demo day", "when": start.strftime("%Y-%m-%dT%H:%M"),
                                   "owner": rep.pk, "location": "Milano"})
    assert saved.status_code == 302
    page = client.get(edit_url).content.decode()
    assert "Demo day" in page and page.count('class="tl-item"') == 3  # created, done, edited
    ics = client.get(reverse("activities:ics", args=[meeting.pk]))
    assert ics.status_code == 200 and b"SUMMARY:Demo day" in ics.content
    assert client_as(other_rep).get(edit_url).status_code == 404


def test_my_day_for_a_rep_and_a_manager_choosing_someone(client_as, rep, manager, make_deal):
    now = timezone.now()
    hot = LeadFactory(owner=rep, temperature="hot", stage="sql", first_name="Ugo", last_name="Caldo")
    waiting = LeadFactory(owner=rep, first_name="Ada", last_name="Attesa",
                          created_at=now - dt.timedelta(days=9))
    sla.due_compute([waiting.pk])
    services.activity_create(actor=rep, kind="task", values={
        "subject": "Overdue offer", "lead": hot, "due_at": now - dt.timedelta(hours=2)})
    services.activity_create(actor=rep, kind="task", values={
        "subject": "Later task", "lead": hot, "due_at": now + dt.timedelta(days=40)})
    make_deal(rep, name="Rinnovo licenze", expected_close=timezone.localdate())
    page = client_as(rep).get(reverse("activities:my_day")).content.decode()
    for text in ("Overdue offer", "Ugo Caldo", "Ada Attesa", "Rinnovo licenze"):
        assert text in page, text
    assert "Later task" not in page and 'id="my-day-person"' not in page
    assert f'href="{reverse("activities:my_day")}"' in page  # the menu entry
    as_manager = client_as(manager)
    assert "Overdue offer" not in as_manager.get(reverse("activities:my_day")).content.decode()
    theirs = as_manager.get(reverse("activities:my_day"), {"person": rep.pk}).content.decode()
    assert "Overdue offer" in theirs and 'id="my-day-person"' in theirs
    assert client_as(rep).get(reverse("activities:my_day"), {"person": manager.pk}).status_code == 404
