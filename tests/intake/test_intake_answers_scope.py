"""Issue 8, finding 9 (the answer): intake keeps one lead per person, so a record that matches another
owner's lead is merged into it; but the answer never names that lead (no id, no values) to a caller who
may not see it. Every way in: single and batch API, events, the New lead form, a chat turned into a
lead."""

import pytest
from django.test import Client

from imbuto.intake.models import ChatSession, EngagementEvent, LeadMerge
from imbuto.leads.models import Lead
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def hide_unseen_leads(*args, **kwargs):
    from imbuto.intake.selectors import hide_unseen_leads as hide

    return hide(*args, **kwargs)


@pytest.fixture
def theirs(other_rep):
    """Remo's lead (team South), indexed for matching as intake leaves it."""
    from imbuto.intake.indexing import index_leads

    lead = LeadFactory(owner=other_rep, first_name="Tea", last_name="Altrui", email="tea.altrui@example.com",
                       phone="+393339998877", company_name="Altrui Srl")
    index_leads([lead.pk])
    return lead


def _clean(text: str, lead: Lead, secrets: tuple[str, ...] = ("Altrui", "+393339998877")) -> None:
    """Nothing of the lead: neither its values nor a link to it."""
    for secret in secrets:
        assert secret not in text, secret
    assert f"/leads/{lead.pk}/" not in text


def test_a_single_post_merged_into_an_unseen_lead_says_so_without_naming_it(api_as, rep, theirs):
    response = api_as(rep).post("/api/v1/leads", {"first_name": "Tea", "last_name": "Altrui",
                                                  "email": "tea.altrui@example.com", "city": "Bari"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"outcome", "lead", "message", "warnings"}
    assert body["outcome"] == "merged" and body["lead"] is None and "someone else's care" in body["message"]
    assert str(theirs.pk) not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.city == "Bari" and Lead.objects.count() == 1      # still merged: one person, one lead
    assert LeadMerge.objects.filter(survivor=theirs).exists()


def test_a_manager_creating_for_a_rep_of_another_team_is_not_shown_the_lead(api_as, manager, other_rep):
    response = api_as(manager).post("/api/v1/leads", {"first_name": "Ugo", "email": "ugo@example.it",
                                                      "owner": other_rep.username})
    # (If cross-team assignment becomes forbidden this is a 403 and nothing leaks either.)
    assert response.status_code in (201, 403), response.content
    if response.status_code == 201:
        body = response.json()
        assert body["lead"] is None and body["outcome"] == "created" and "id" not in body
        assert "created in someone else's care" in body["message"]
    hidden = LeadFactory(owner=other_rep)
    [answer] = hide_unseen_leads(manager, [{"outcome": "created", "lead_id": hidden.pk}])
    assert answer["lead_id"] is None and "created in someone else's care" in answer["message"]


def test_the_batch_answer_hides_unseen_leads_per_record(api_as, rep, theirs):
    response = api_as(rep).post("/api/v1/leads/batch", {"leads": [
        {"first_name": "Tea", "last_name": "Altrui", "email": "tea.altrui@example.com"},
        {"first_name": "Mio", "last_name": "Nuovo", "email": "mio.nuovo@example.it"},
    ]})
    assert response.status_code == 200, response.content
    first, second = response.json()["results"]
    assert first["outcome"] == "merged" and first["lead_id"] is None and first["duplicate_of"] is None
    assert "someone else's care" in first["message"]
    assert second["outcome"] == "created" and second["lead_id"] and second["message"] is None
    assert response.json()["summary"]["merged"] == 1
    assert Lead.objects.filter(email="tea.altrui@example.com").count() == 1


def test_the_admin_batch_answer_still_names_every_lead(api_as, admin, theirs):
    [result] = api_as(admin).post("/api/v1/leads/batch", {"leads": [
        {"first_name": "Tea", "last_name": "Altrui", "email": "tea.altrui@example.com"}]}).json()["results"]
    assert result["lead_id"] == theirs.pk and result["message"] is None


def test_events_for_an_unseen_lead_are_recorded_without_naming_it(api_as, rep, theirs):
    response = api_as(rep).post("/api/v1/events", {"events": [
        {"type": "email_click", "email": "tea.altrui@example.com", "id": "ev-1"}]})
    assert response.status_code == 200, response.content
    [result] = response.json()["results"]
    assert result["outcome"] == "recorded" and result["lead_id"] is None
    assert "someone else's care" in result["message"]
    assert EngagementEvent.objects.get(external_event_id="ev-1").lead_id == theirs.pk


def test_a_possible_duplicate_out_of_scope_is_not_named(rep, theirs, other_rep):
    mine = LeadFactory(owner=rep)
    answers = hide_unseen_leads(rep, [{"outcome": "flagged", "lead_id": mine.pk, "duplicate_of": theirs.pk}])
    assert answers == [{"outcome": "flagged", "lead_id": mine.pk, "duplicate_of": None,
                        "message": answers[0]["message"]}]
    assert "duplicates review" in answers[0]["message"]
    [own] = hide_unseen_leads(other_rep, [{"outcome": "merged", "lead_id": theirs.pk, "duplicate_of": None}])
    assert own["lead_id"] == theirs.pk and own["message"] is None


def test_the_new_lead_form_says_so_without_showing_the_lead(rep, theirs):
    client = Client()
    client.force_login(rep)
    response = client.post("/leads/new/", {"first_name": "Tea", "last_name": "Altrui",
                                                   "email": "tea.altrui@example.com",
                                                   "purchase_timeframe": "unknown"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[0] == ("/leads/", 302)
    assert "already a lead of another owner" in html
    _clean(html, theirs)


def test_a_chat_turned_into_a_lead_of_someone_else_does_not_open_it(rep, theirs):
    session = ChatSession.objects.create(status="human", agent=rep, answers={
        "first_name": "Tea", "last_name": "Altrui", "email": "tea.altrui@example.com"})
    client = Client()
    client.force_login(rep)
    response = client.post(f"/chats/{session.public_id}/lead", follow=True)
    session.refresh_from_db()
    assert session.lead_id == theirs.pk                                   # the transcript went to them
    assert response.redirect_chain[-1][0] == f"/chats/{session.public_id}/"
    html = response.content.decode()
    assert "someone else" in html.replace("&#x27;", "'")
    # the visitor's own words (their name) stay on the conversation; the lead's values do not appear
    _clean(html, theirs, ("Altrui Srl", "+393339998877"))
    _clean(client.get("/chats/", {"show": "all"}).content.decode(), theirs, ("Altrui Srl", "+393339998877"))


def test_a_chat_with_a_visible_lead_links_to_it(rep):
    lead = LeadFactory(owner=rep)
    session = ChatSession.objects.create(status="human", lead=lead)
    client = Client()
    client.force_login(rep)
    assert f'href="/leads/{lead.pk}/"' in client.get(f"/chats/{session.public_id}/").content.decode()
    assert f'href="/leads/{lead.pk}/"' in client.get("/chats/", {"show": "all"}).content.decode()


def test_an_unknown_user_learns_nothing(db, theirs):
    nobody = UserFactory(username="nessuno", role="rep", is_active=False)
    [answer] = hide_unseen_leads(nobody, [{"outcome": "merged", "lead_id": theirs.pk}], fields=("lead_id",))
    assert answer["lead_id"] is None


def test_the_openapi_document_states_the_answer_without_a_lead(db):
    schema = Client().get("/api/v1/openapi.json").json()
    schemas = schema["components"]["schemas"]
    answers = schema["paths"]["/api/v1/leads"]["post"]["responses"]
    for status in ("200", "201"):
        one_of = answers[status]["content"]["application/json"]["schema"]["anyOf"]
        assert {r["$ref"].rsplit("/", 1)[1] for r in one_of} == {"LeadCreateOut", "LeadNotShownOut"}
    shown = schemas["LeadNotShownOut"]
    assert shown["properties"]["lead"]["type"] == "null"
    assert {"outcome", "lead", "message"} <= set(shown["required"])
    for name in ("RecordOut", "EventResultOut", "LeadCreateOut"):
        assert "message" in schemas[name]["properties"], name
    assert {"survivor_visible", "merged_visible"} <= set(schemas["MergeOut"]["properties"])
