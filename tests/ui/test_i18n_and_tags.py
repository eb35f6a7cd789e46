"""Italian and English: the switcher, browser language, dates and money; the shared template tags."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from imbuto.core.templatetags.imbuto import format_money

pytestmark = pytest.mark.django_db


def test_the_browser_language_picks_italian(client_as, rep, rep_lead):
    body = client_as(rep, "it").get("/leads/").content.decode()
    assert '<html lang="it">' in body and "Nuovo lead" in body and "Filtri" in body


def test_the_switcher_changes_the_language(client_as, rep, rep_lead):
    client = client_as(rep)
    assert "New lead" in client.get("/leads/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "it", "next": "/leads/"})
    assert response.status_code == 302 and response["Location"] == "/leads/"
    body = client.get("/leads/").content.decode()
    assert "Nuovo lead" in body and "Esci" in body
    detail = client.get(f"/leads/{rep_lead.pk}/").content.decode()
    assert "Cronologia" in detail and "Persona" in detail
    client.post("/i18n/setlang/", {"language": "en", "next": "/leads/"})
    assert "New lead" in client.get("/leads/").content.decode()


def test_the_login_page_speaks_italian(client):
    body = client.get("/login/", headers={"Accept-Language": "it-IT,it;q=0.9"}).content.decode()
    assert "Accedi" in body


def test_service_refusals_read_in_italian_too(client_as, rep, rep_lead):
    response = client_as(rep, "it").post(f"/leads/{rep_lead.pk}/transition/", {"to": "customer"})
    assert "Un lead non può passare da Suspect a Cliente." in response.content.decode()


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("it", "1234.56", "1.234,56 €"),
    ("en", "1234.56", "€1,234.56"),
    ("it", "-0.5", "-0,50 €"),
    ("en", "1000000", "€1,000,000.00"),
    ("en", None, ""),
])
def test_money_follows_the_locale(language, value, expected):
    with translation.override(language):
        assert format_money(value, "EUR") == expected


def test_money_filter_with_another_currency():
    with translation.override("en"):
        assert Template('{% load imbuto %}{{ v|money:"USD" }}').render(Context({"v": 10})) == "$10.00"


def test_nav_items_appear_only_when_their_url_exists():
    request = RequestFactory().get("/leads/5/")
    template = Template('{% load imbuto %}{% nav_item "Leads" "leads:list" %}|'
                       '{% nav_item "Chats" "intake:nowhere" "nowhere" %}|{% url_if_exists "nope" %}')
    out = template.render(Context({"request": request}))
    leads, chats, url = out.split("|")
    assert 'href="/leads/"' in leads and "active" in leads
    assert chats == "" and url == ""
