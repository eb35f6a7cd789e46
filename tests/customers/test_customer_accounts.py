"""The customer accounts: listed on the Customers page (with the count and a link to all of them),
filtered on the account list, its export and GET /api/v1/accounts by `is_customer`, within what the
reader may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(rep, other_rep):
    return {
        "mine": AccountFactory(name="Ottica Rossi", owner=rep, is_customer=True, city="Bologna"),
        "prospect": AccountFactory(name="Panificio Bianchi", owner=rep, is_customer=False),
        "theirs": AccountFactory(name="Ferramenta Sud", owner=other_rep, is_customer=True),
    }


def test_the_customers_page_lists_the_customer_accounts_the_reader_may_see(client_as, rep, accounts):
    html = client_as(rep, "it").get(reverse("customers:overview")).content.decode()
    assert 'id="customer-accounts"' in html and "Clienti" in html
    assert "Ottica Rossi" in html and "Bologna" in html
    assert "Panificio Bianchi" not in html and "Ferramenta Sud" not in html
    assert "Vedi 1 account cliente in tutto" in html
    assert f'{reverse("leads:account_list")}?is_customer=1' in html


def test_an_empty_customers_page_says_how_an_account_becomes_one(client_as, rep):
    html = client_as(rep, "it").get(reverse("customers:overview")).content.decode()
    assert "Ancora nessun account cliente" in html


def test_the_account_list_filters_customers_and_prospects(client_as, admin, accounts, htmx):
    client = client_as(admin, "it")
    url = reverse("leads:account_list")
    every = client.get(url).content.decode()
    assert all(name in every for name in ("Ottica Rossi", "Panificio Bianchi", "Ferramenta Sud"))
    assert 'name="is_customer"' in every and "Tutti gli account" in every
    customers = client.get(url, {"is_customer": "1"}, headers=htmx).content.decode()
    assert "Ottica Rossi" in customers and "Ferramenta Sud" in customers
    assert "Panificio Bianchi" not in customers
    prospects = client.get(url, {"is_customer": "0"}).content.decode()
    assert "Panificio Bianchi" in prospects and "Ottica Rossi" not in prospects
    assert 'value="0" selected' in prospects
    junk = client.get(url, {"is_customer": "maybe"})
    assert junk.status_code == 200 and "Panificio Bianchi" in junk.content.decode()
    export = client.get(reverse("leads:account_export"), {"format": "csv", "is_customer": "1"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Ottica Rossi" in body and "Panificio Bianchi" not in body


def test_the_api_filters_accounts_by_is_customer(api_as, rep, accounts):
    api = api_as(rep)
    names = [a["name"] for a in api.get("/api/v1/accounts", is_customer="true").json()["items"]]
    assert names == ["Ottica Rossi"]  # the other customer is another team's
    names = [a["name"] for a in api.get("/api/v1/accounts", is_customer="false").json()["items"]]
    assert names == ["Panificio Bianchi"]
    assert len(api.get("/api/v1/accounts").json()["items"]) == 2
    assert api.get("/api/v1/accounts", is_customer="perhaps").status_code == 422
    export = api.get("/api/v1/accounts/export", format="csv", is_customer="true")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Ottica Rossi" in body and "Panificio Bianchi" not in body
