"""The unassigned queue (issue 10, item 4) and a menu that offers only what a role may open (item 10)."""

import pytest

from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nobodys_lead(db):
    return LeadFactory(first_name="Web", last_name="Visitor", owner=None, team=None)


def test_a_manager_opens_a_lead_nobody_owns(client_as, manager, nobodys_lead):
    assert client_as(manager).get(f"/leads/{nobodys_lead.pk}/").status_code == 200


def test_every_manager_sees_the_queue_a_rep_does_not(client_as, manager, rep, nobodys_lead, rep_lead):
    body = client_as(manager).get("/leads/unassigned/").content.decode()
    assert "Web Visitor" in body and "Rita&#x27;s Lead" not in body
    assert client_as(rep).get("/leads/unassigned/").status_code == 403


def test_a_manager_takes_a_lead(client_as, manager, nobodys_lead):
    response = client_as(manager).post(f"/leads/{nobodys_lead.pk}/assign/", {"owner": "me"})
    assert response.status_code == 302 and response["Location"] == "/leads/unassigned/"
    lead = Lead.objects.get(pk=nobodys_lead.pk)
    assert (lead.owner_id, lead.team_id) == (manager.pk, manager.team_id)
    assert HistoryEntry.objects.filter(action="updated", changes__has_key="owner").exists()
    assert "Web Visitor" not in client_as(manager).get("/leads/unassigned/").content.decode()


def test_a_manager_assigns_within_the_team_only(client_as, manager, rep, other_rep, nobodys_lead):
    client = client_as(manager)
    refused = client.post(f"/leads/{nobodys_lead.pk}/assign/", {"owner": str(other_rep.pk)})
    assert refused.status_code == 403
    assert Lead.objects.get(pk=nobodys_lead.pk).owner_id is None
    client.post(f"/leads/{nobodys_lead.pk}/assign/", {"owner": str(rep.pk)})
    assert Lead.objects.get(pk=nobodys_lead.pk).owner_id == rep.pk


def test_the_queue_offers_only_assignable_people(client_as, manager, rep, other_rep, nobodys_lead):
    body = client_as(manager).get("/leads/unassigned/").content.decode()
    assert f'value="{rep.pk}"' in body and f'value="{other_rep.pk}"' not in body


def _nav(body):
    return body.split('id="site-nav"')[1].split("nav-tools")[0]


def test_a_rep_sees_no_menu_entry_that_answers_403(client_as, rep):
    nav = _nav(client_as(rep).get("/leads/").content.decode())
    assert "/leads/" in nav
    for href in ("/imports/", "/forms/", "/leads/unassigned/"):
        assert f'href="{href}"' not in nav


def test_a_manager_sees_the_queue_and_the_pages_they_may_use(client_as, manager):
    nav = _nav(client_as(manager).get("/leads/").content.decode())
    for href in ("/leads/unassigned/", "/imports/", "/forms/"):
        assert f'href="{href}"' in nav


def test_a_rep_gets_the_same_403_for_a_form_page_and_the_form_list(client_as, rep, admin):
    from imbuto.intake.models import WebForm
    from imbuto.leads.models import Channel

    channel = Channel.objects.first() or Channel.objects.create(slug="web_form", name="Web form")
    webform = WebForm.objects.create(name="Contact us", channel=channel)
    client = client_as(rep)
    assert client.get("/forms/").status_code == 403
    assert client.get(f"/forms/{webform.pk}/").status_code == 403
