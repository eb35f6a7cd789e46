"""Issue 8, finding 1: a merge shows each viewer only what they may see of its two leads.

The repro: reps A and B each create a lead, an admin merges B's lead into A's, and rep B (or B's
manager) asks for the merges of B's lead. They learn that it was merged, when, by whom and into lead
#A, but none of A's values (name, email, phone, company, owner). Run on SQLite and PostgreSQL.
"""

import json

import pytest
from django.test import Client

from imbuto.intake.models import LeadMerge
from tests.api.conftest import assert_error
from tests.factories import UserFactory

SECRETS = ("Alfa", "Segreto", "alfa.segreto", "3331234567", "Segreto Srl")


@pytest.fixture
def merged_pair(api_as, admin, rep, other_rep):
    """(survivor A owned by remo in South, merged B owned by rita in North, the merge)."""
    a = api_as(other_rep).post("/api/v1/leads", {
        "first_name": "Alfa", "last_name": "Segreto", "email": "alfa.segreto@example.com",
        "phone": "+39 333 123 4567", "company_name": "Segreto Srl", "city": "Lecce"})
    b = api_as(rep).post("/api/v1/leads", {
        "first_name": "Bruno", "last_name": "Mio", "email": "bruno.mio@example.it",
        "phone": "+39 02 7654321", "company_name": "Mio Spa", "city": "Bari"})
    assert a.status_code == b.status_code == 201, (a.content, b.content)
    a_id, b_id = a.json()["id"], b.json()["id"]
    merge = api_as(admin).post(f"/api/v1/leads/{a_id}/merge", {"other": b_id, "reason": "same person"})
    assert merge.status_code == 200, merge.content
    return a_id, b_id, merge.json()


def _no_secrets(response) -> None:
    text = response.content.decode()
    for secret in SECRETS:
        assert secret not in text, (secret, text[:2000])


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_the_merged_leads_side_sees_the_merge_but_none_of_the_survivors_values(
        request, api_as, merged_pair, other_rep, who):
    a_id, b_id, merge = merged_pair
    user = request.getfixturevalue(who)
    client = api_as(user)
    listed = client.get(f"/api/v1/leads/{b_id}/merges")
    assert listed.status_code == 200, listed.content
    [item] = listed.json()["items"]
    assert (item["id"], item["survivor"], item["merged"]) == (merge["id"], a_id, b_id)
    assert item["survivor_visible"] is False and item["merged_visible"] is True
    assert item["differing_values"] == item["filled_values"] == item["incoming"] == {}
    assert item["reason"] == "same person" and item["actor"] == "ada"
    _no_secrets(listed)
    assert str(other_rep.pk) not in json.dumps(item["differing_values"])
    one = client.get(f"/api/v1/merges/{merge['id']}")
    assert one.status_code == 200 and one.json() == item
    assert_error(client.get(f"/api/v1/leads/{a_id}"), 404)


def test_the_survivors_side_sees_every_value_folded_in(api_as, merged_pair, other_rep, admin):
    a_id, b_id, merge = merged_pair
    [item] = api_as(other_rep).get(f"/api/v1/leads/{a_id}/merges").json()["items"]
    assert item["survivor_visible"] is True and item["merged_visible"] is False
    assert item["differing_values"]["email"] == ["alfa.segreto@example.com", "bruno.mio@example.it"]
    assert api_as(other_rep).get(f"/api/v1/merges/{merge['id']}").json() == item
    full = api_as(admin).get(f"/api/v1/merges/{merge['id']}").json()
    assert full["survivor_visible"] is full["merged_visible"] is True
    assert full["differing_values"] == merge["differing_values"] == item["differing_values"]


def test_a_merge_of_two_leads_one_cannot_see_does_not_exist(api_as, merged_pair, south):
    a_id, b_id, merge = merged_pair
    stranger = UserFactory(username="sandro", role="rep", team=south)
    assert_error(api_as(stranger).get(f"/api/v1/merges/{merge['id']}"), 404)
    assert_error(api_as(stranger).get(f"/api/v1/leads/{b_id}/merges"), 404)


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_merge_pages_show_the_merged_side_no_survivor_values(merged_pair, rep):
    a_id, b_id, merge = merged_pair
    client = _login(rep)
    page = client.get(f"/merges/{merge['id']}/")
    assert page.status_code == 200
    _no_secrets(page)
    html = page.content.decode()
    assert f"#{a_id}" in html and f'href="/leads/{a_id}/"' not in html
    assert "someone else's care" in html.replace("&#x27;", "'")
    listing = client.get(f"/leads/{b_id}/merges/")
    assert listing.status_code == 200
    _no_secrets(listing)


def test_the_merge_page_shows_the_survivors_side_everything(merged_pair, other_rep):
    a_id, b_id, merge = merged_pair
    html = _login(other_rep).get(f"/merges/{merge['id']}/").content.decode()
    assert "bruno.mio@example.it" in html and "alfa.segreto@example.com" in html
    assert f'href="/leads/{a_id}/"' in html and f'href="/leads/{b_id}/"' not in html


def test_merges_stay_as_they_happened(merged_pair):
    """The projection never writes: the stored merge keeps both sides' values."""
    a_id, b_id, merge = merged_pair
    stored = LeadMerge.objects.get(pk=merge["id"])
    assert stored.differing_values["email"] == ["alfa.segreto@example.com", "bruno.mio@example.it"]
