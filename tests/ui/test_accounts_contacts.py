"""Account (company) and contact pages, and the person's own profile with API tokens."""

import pytest

from imbuto.users.models import ApiToken
from tests.factories import AccountFactory, ContactFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(rep, other_rep):
    account = AccountFactory(name="Acme Italia S.r.l.", vat_id="IT01234567890", city="Milano")
    contact = ContactFactory(account=account, first_name="Laura", last_name="Bruni")
    LeadFactory(owner=rep, last_name="Ritalead", account=account, contact=contact)
    LeadFactory(owner=other_rep, last_name="Remolead", account=account, contact=contact)
    return account, contact


def test_accounts_list_and_search(client_as, rep, acme):
    client = client_as(rep)
    AccountFactory(name="Beta GmbH", country="DE", owner=rep)
    assert b"Acme Italia" in client.get("/accounts/").content
    found = client.get("/accounts/", {"search": "milano"})
    assert [a.name for a in found.context["page"].object_list] == ["Acme Italia S.r.l."]
    partial = client.get("/accounts/", {"search": "beta"}, headers={"HX-Request": "true"})
    assert b"Beta GmbH" in partial.content and b"<html" not in partial.content


def test_the_page_and_the_api_search_accounts_alike(client_as, api_as, rep, acme):
    """One selector serves both: the page finds by domain (the API did) and by website (the page did)."""
    AccountFactory(name="Gamma SpA", domain="gamma.it", website="", owner=rep)
    AccountFactory(name="Delta Srl", domain="", website="https://delta-shop.example", owner=rep)
    for word in ("gamma.it", "delta-shop", "acme milano"):
        page = client_as(rep).get("/accounts/", {"search": word})
        api = api_as(rep).get("/api/v1/accounts", search=word).json()["items"]
        assert [a.name for a in page.context["page"].object_list] == [a["name"] for a in api], word
        assert len(api) == 1, word
    assert client_as(rep).get("/accounts/", {"search": "acme\x00"}).status_code == 200
    assert client_as(rep).get("/contacts/", {"search": "bruni\x00 laura"}).status_code == 200


def test_accounts_and_contacts_are_scoped_like_leads(client_as, api_as, rep, other_rep, manager,
                                                    marketer, acme):
    """Issue 10 item 11: a rep sees the accounts and contacts they own or whose leads they work; a
    manager those of the team; another team's company is not even acknowledged (404)."""
    south = AccountFactory(name="Sud Srl", owner=other_rep)
    south_contact = ContactFactory(account=south, last_name="Meridionale", owner=other_rep)
    north = AccountFactory(name="Nord Srl", owner=rep)
    for user, sees in ((rep, {"Acme Italia S.r.l.", "Nord Srl"}),
                       (manager, {"Acme Italia S.r.l.", "Nord Srl"}),
                       (other_rep, {"Acme Italia S.r.l.", "Sud Srl"}),
                       (marketer, {"Acme Italia S.r.l.", "Nord Srl", "Sud Srl"})):
        page = client_as(user).get("/accounts/")
        assert {a.name for a in page.context["page"].object_list} == sees, user
        api = api_as(user).get("/api/v1/accounts").json()["items"]
        assert {a["name"] for a in api} == sees, user
    assert client_as(rep).get(f"/accounts/{south.pk}/").status_code == 404
    assert client_as(rep).get(f"/contacts/{south_contact.pk}/").status_code == 404
    assert api_as(manager).get(f"/api/v1/contacts/{south_contact.pk}").status_code == 404
    assert api_as(rep).get(f"/api/v1/accounts/{north.pk}").status_code == 200
    names = {c["last_name"] for c in api_as(rep).get("/api/v1/contacts").json()["items"]}
    assert names == {"Bruni"}


def test_account_detail_shows_contacts_and_only_the_leads_in_scope(client_as, rep, admin, acme):
    account, _contact = acme
    body = client_as(rep).get(f"/accounts/{account.pk}/").content.decode()
    assert "Laura Bruni" in body and "Ritalead" in body and "Remolead" not in body
    body = client_as(admin).get(f"/accounts/{account.pk}/").content.decode()
    assert "Ritalead" in body and "Remolead" in body


def test_contact_list_and_detail(client_as, other_rep, acme):
    _account, contact = acme
    client = client_as(other_rep)
    assert b"Laura Bruni" in client.get("/contacts/", {"search": "bruni"}).content
    body = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Acme Italia" in body and "Remolead" in body and "Ritalead" not in body


def test_unknown_account_or_contact_is_not_found(client_as, rep):
    assert client_as(rep).get("/accounts/999999/").status_code == 404
    assert client_as(rep).get("/contacts/999999/").status_code == 404


def test_account_pages_need_login(client):
    assert client.get("/accounts/").status_code == 302
    assert client.get("/contacts/").status_code == 302


def test_a_person_issues_and_revokes_their_own_tokens(client_as, rep, other_rep):
    client = client_as(rep)
    assert client.get("/me/").status_code == 200
    created = client.post("/me/tokens/", {"name": "laptop"})
    assert created.status_code == 201
    token = ApiToken.objects.get(user=rep)
    assert created.context["new_token"].startswith("imb_") and token.name == "laptop"
    assert client_as(other_rep).post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
