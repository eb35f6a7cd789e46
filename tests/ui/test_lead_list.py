"""The lead list: login required, scoped per role, filters, sorting, keyset pages, htmx partial."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db
URL = "/leads/"


def names(response):
    return {str(lead) for lead in response.context["leads"]}


def test_it_sends_anonymous_people_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_home_page_leads_to_the_lead_list(client_as, rep):
    response = client_as(rep).get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == URL


def test_the_login_page_logs_a_person_in(client, rep):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b'name="password"' in page.content
    response = client.post(reverse("login"), {"username": "rita", "password": "pw-Imbuto-2026"})
    assert response.status_code == 302 and response["Location"] == URL


def test_a_wrong_password_is_refused_with_a_message(client, rep):
    response = client.post(reverse("login"), {"username": "rita", "password": "nope"})
    assert response.status_code == 200
    assert b"Wrong username or password" in response.content


@pytest.mark.parametrize(("persona", "expected"), [
    ("rep", {"Rita's Lead"}),
    ("other_rep", {"Remo's Lead"}),
    ("manager", {"Rita's Lead"}),
    ("marketer", {"Rita's Lead", "Remo's Lead"}),
    ("admin", {"Rita's Lead", "Remo's Lead"}),
])
def test_each_role_sees_only_its_scope(request, client_as, rep_lead, other_lead, persona, expected):
    user = request.getfixturevalue(persona)
    response = client_as(user).get(URL)
    assert response.status_code == 200
    assert names(response) == expected


def test_search_narrows_the_list(client_as, admin, rep_lead, other_lead):
    response = client_as(admin).get(URL, {"search": "remo"})
    assert names(response) == {"Remo's Lead"}


def test_filters_use_the_api_names(client_as, admin, rep, other_rep, rep_lead, other_lead):
    other_lead.stage = "mql"
    other_lead.save()
    client = client_as(admin)
    assert names(client.get(URL, {"stage": "mql"})) == {"Remo's Lead"}
    assert names(client.get(URL, {"owner": str(rep.pk)})) == {"Rita's Lead"}
    assert names(client.get(URL, {"country": "it", "created_after": "2000-01-01"})) == {
        "Rita's Lead", "Remo's Lead"}
    assert names(client.get(URL, {"created_before": "2000-01-01"})) == set()


def test_a_bad_filter_value_is_shown_not_a_crash(client_as, rep, rep_lead):
    response = client_as(rep).get(URL, {"created_after": "yesterday", "cursor": "garbage!"})
    assert response.status_code == 200
    assert b"field-error" in response.content or b"alert-error" in response.content


def test_columns_sort_both_ways(client_as, rep):
    for last in ("Bianchi", "Verdi", "Azzurri"):
        LeadFactory(owner=rep, last_name=last)
    client = client_as(rep)
    up = [lead.last_name for lead in client.get(URL, {"ordering": "last_name"}).context["leads"]]
    down = [lead.last_name for lead in client.get(URL, {"ordering": "-last_name"}).context["leads"]]
    assert up == ["Azzurri", "Bianchi", "Verdi"] and down == up[::-1]


def test_next_page_follows_the_selector_cursor(client_as, rep):
    LeadFactory.create_batch(55, owner=rep)
    client = client_as(rep)
    first = client.get(URL)
    assert len(first.context["leads"]) == 50 and first.context["next_cursor"]
    assert b"Next page" in first.content
    second = client.get(URL, {"cursor": first.context["next_cursor"]})
    assert len(second.context["leads"]) == 5 and second.context["next_cursor"] is None
    assert not {lead.pk for lead in first.context["leads"]} & {lead.pk for lead in second.context["leads"]}


def test_htmx_gets_only_the_results(client_as, rep, rep_lead, htmx):
    response = client_as(rep).get(URL, {"search": "rita"}, headers=htmx)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="lead-results"' in body and "<html" not in body and "Rita&#x27;s" in body


def test_a_boosted_htmx_request_gets_the_whole_page(client_as, rep, htmx):
    response = client_as(rep).get(URL, headers={**htmx, "HX-Boosted": "true"})
    assert b"<html" in response.content


def test_the_list_shows_badges_owner_and_a_localized_date(client_as, rep, rep_lead):
    body = client_as(rep).get(URL).content.decode()
    assert 'class="badge stage-suspect"' in body and 'class="badge temp-cold"' in body
    assert "rita" in body
    italian = client_as(rep, "it").get(URL).content.decode()
    assert timezone.localtime(rep_lead.created_at).strftime("%d/%m/%Y") in italian


def test_the_list_costs_a_fixed_number_of_queries(client_as, rep, django_assert_num_queries):
    LeadFactory.create_batch(3, owner=rep)
    client = client_as(rep)
    client.get(URL)  # the session and the caches are warm for both counts
    with django_assert_num_queries(13):  # exactly, for 3 leads as for 30
        client.get(URL)
    LeadFactory.create_batch(27, owner=rep)
    with django_assert_num_queries(13):
        client.get(URL)
