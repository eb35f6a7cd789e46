"""Values that failed validation at intake are marked, never linked, and can be filtered (issue 10,
item 7)."""

import pytest

from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(rep):
    return LeadFactory(owner=rep, first_name="Dubbio", last_name="Dati", email="mario@@example",
                       phone="12", quality_flags={"email": "not a valid email", "phone": "too short"})


@pytest.fixture
def clean(rep):
    return LeadFactory(owner=rep, first_name="Pulito", last_name="Dati", email="ok@example.com",
                       phone="+390212345678", quality_flags={})


def test_a_flagged_value_is_marked_and_not_linked(client_as, rep, flagged):
    body = client_as(rep).get(f"/leads/{flagged.pk}/").content.decode()
    assert 'id="quality-flags"' in body
    assert "mailto:mario@@example" not in body and 'href="tel:12"' not in body
    assert body.count("needs checking") >= 2
    assert "mario@@example" in body


def test_a_clean_value_is_still_a_link(client_as, rep, clean):
    body = client_as(rep).get(f"/leads/{clean.pk}/").content.decode()
    assert "mailto:ok@example.com" in body and 'id="quality-flags"' not in body


def test_the_list_marks_and_filters_leads_that_need_checking(client_as, rep, flagged, clean):
    client = client_as(rep)
    body = client.get("/leads/").content.decode()
    row = body.split(f'href="/leads/{flagged.pk}/"')[1].split("</tr>")[0]
    assert "needs checking" in row
    only = client.get("/leads/", {"needs_checking": "on"}).content.decode()
    assert f'href="/leads/{flagged.pk}/"' in only and f'href="/leads/{clean.pk}/"' not in only


def test_the_api_filters_leads_that_need_checking(api_as, rep, flagged, clean):
    ids = [item["id"] for item in api_as(rep).get("/api/v1/leads", needs_checking="true").json()["items"]]
    assert ids == [flagged.pk]


def test_the_italian_page_says_it_in_italian(client_as, rep, flagged):
    body = client_as(rep, "it").get(f"/leads/{flagged.pk}/").content.decode()
    assert "needs checking" not in body
