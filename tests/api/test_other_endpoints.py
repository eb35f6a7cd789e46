"""Accounts, contacts, campaigns, channels, users, teams and /me."""

import pytest

from imbuto.core.history import history_of
from imbuto.leads.models import Account, Campaign
from tests.factories import AccountFactory, CampaignFactory, ContactFactory, LeadFactory

from .conftest import assert_error


def test_me_tells_who_and_what_role(api_as, manager):
    body = api_as(manager).get("/api/v1/me").json()
    assert body["username"] == "mara" and body["role"] == "manager" and body["team_name"] == "North"
    assert body["can_create_leads"] is True


def test_users_and_teams_are_readable_lists(api_as, rep, manager, other_rep, outsider):
    client = api_as(rep)
    users = client.get("/api/v1/users").json()["items"]
    assert {u["username"] for u in users} == {"rita", "mara", "remo"}   # inactive otto not offered
    assert client.get("/api/v1/users", search="rem").json()["items"][0]["username"] == "remo"
    assert {t["name"] for t in client.get("/api/v1/teams").json()["items"]} == {"North", "South"}
    assert_error(client.post("/api/v1/users", {"username": "zed", "role": "rep"}), 403)  # admins only


def test_channels_are_the_seeded_taxonomy(api_as, rep):
    items = api_as(rep).get("/api/v1/channels").json()["items"]
    slugs = {c["slug"] for c in items}
    assert {"referral", "web-form", "trade-show", "webinar"} <= slugs
    assert all(c["name"] and "group" in c for c in items)


def test_account_create_read_patch_and_history(api_as, rep):
    client = api_as(rep)
    created = client.post("/api/v1/accounts", {"name": "Rossi S.r.l.", "vat_id": "IT01234567890",
                                               "city": "Padova", "country": "it"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == rep.pk and body["country"] == "IT"
    patched = client.patch(f"/api/v1/accounts/{body['id']}", {"city": "Verona"}).json()
    assert patched["city"] == "Verona"
    assert client.get(f"/api/v1/accounts/{body['id']}").json()["city"] == "Verona"
    entry = history_of(Account.objects.get(pk=body["id"])).get(action="updated")
    assert entry.changes == {"city": ["Padova", "Verona"]}


def test_account_list_search_and_cursor(api_as, rep):
    for n in range(7):
        AccountFactory(name=f"Azienda {n}", city="Roma" if n % 2 else "Napoli", owner=rep)
    client = api_as(rep)
    assert len(client.get("/api/v1/accounts", search="napoli").json()["items"]) == 4
    seen, cursor = [], None
    while True:
        body = client.get("/api/v1/accounts", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [a["name"] for a in body["items"]]
        if not (cursor := body["next_cursor"]):
            break
    assert seen == [f"Azienda {n}" for n in range(7)]


def test_an_account_needs_a_name(api_as, rep):
    assert_error(api_as(rep).post("/api/v1/accounts", {"city": "Roma"}), 422, field="name")


def test_a_rep_changes_only_their_own_accounts(api_as, rep, other_rep, manager):
    theirs = AccountFactory(owner=other_rep)
    LeadFactory(owner=rep, account=theirs)  # the company of a lead rep works: seen, not changed
    assert api_as(rep).get(f"/api/v1/accounts/{theirs.pk}").status_code == 200
    assert_error(api_as(rep).patch(f"/api/v1/accounts/{theirs.pk}", {"city": "X"}), 403)
    assert api_as(manager).patch(f"/api/v1/accounts/{theirs.pk}", {"city": "X"}).status_code == 200


def test_contacts_create_list_and_filter_by_account(api_as, rep):
    account = AccountFactory(name="Bianchi SpA", owner=rep)
    client = api_as(rep)
    created = client.post("/api/v1/contacts", {"first_name": "Luca", "last_name": "Neri",
                                               "email": "luca@bianchi.it", "account": account.pk})
    assert created.status_code == 201, created.content
    assert created.json()["account_name"] == "Bianchi SpA"
    ContactFactory(account=None)
    assert [c["last_name"] for c in client.get("/api/v1/contacts", account=account.pk).json()["items"]] \
        == ["Neri"]
    assert client.get("/api/v1/contacts", search="luca neri").json()["items"][0]["first_name"] == "Luca"
    contact_id = created.json()["id"]
    assert client.patch(f"/api/v1/contacts/{contact_id}", {"phone": "+39 333 1234567"}).status_code == 200
    assert_error(client.post("/api/v1/contacts", {"account": 99999}), 422, field="account")


@pytest.mark.parametrize(("persona", "status"), [("admin", 201), ("manager", 201), ("marketer", 201),
                                                 ("rep", 403)])
def test_who_may_create_campaigns(request, api_as, persona, status):
    user = request.getfixturevalue(persona)
    response = api_as(user).post("/api/v1/campaigns", {"name": f"Spring {persona}", "channel": "webinar",
                                                       "starts_on": "2026-03-01", "cost": "1500.50"})
    assert response.status_code == status, response.content
    if status == 201:
        body = response.json()
        assert body["channel"] == "webinar" and float(body["cost"]) == 1500.5
    else:
        assert not Campaign.objects.exists()


def test_campaign_rules(api_as, marketer):
    client = api_as(marketer)
    CampaignFactory(name="Taken")
    assert_error(client.post("/api/v1/campaigns", {"name": "Taken", "channel": "webinar"}), 422, field="name")
    assert_error(client.post("/api/v1/campaigns", {"name": "N", "channel": "nope"}), 422, field="channel")
    assert_error(client.post("/api/v1/campaigns", {"name": "N", "channel": "webinar", "cost": "-1"}),
                 422, field="cost")
    assert_error(client.post("/api/v1/campaigns", {"name": "N", "channel": "webinar",
                                                   "starts_on": "2026-05-01", "ends_on": "2026-04-01"}),
                 422, field="ends_on")


def test_campaign_list_read_and_filter(api_as, rep):
    camp = CampaignFactory(name="Fiera")
    client = api_as(rep)
    assert client.get(f"/api/v1/campaigns/{camp.pk}").json()["name"] == "Fiera"
    assert client.get("/api/v1/campaigns", channel="email-campaign").json()["items"][0]["id"] == camp.pk
    assert client.get("/api/v1/campaigns", channel="webinar").json()["items"] == []
    assert_error(client.get("/api/v1/campaigns/999999"), 404, "not_found")
