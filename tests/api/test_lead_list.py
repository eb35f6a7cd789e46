"""GET /api/v1/leads: every filter, search, ordering, keyset paging and a constant query count."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CampaignFactory, LeadFactory, channel

from .conftest import assert_error

NOW = timezone.now().replace(microsecond=0)


def ids(response):
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def spread(admin, rep, other_rep):
    """Leads that differ in one attribute each, so every filter has one right answer."""
    camp = CampaignFactory(name="Webinar Q1")
    return {
        "giulia": LeadFactory(first_name="Giulia", last_name="Verdi", company_name="Verdi S.p.A.",
                              email="g.verdi@verdi.it", phone="+390212345678", owner=rep,
                              stage="lead", temperature="hot", country="IT",
                              channel=channel("webinar"), campaign=camp,
                              created_at=NOW - dt.timedelta(days=40)),
        "hans": LeadFactory(first_name="Hans", last_name="Müller", company_name="Müller GmbH",
                            email="hans@mueller.de", phone="+4930987654", owner=other_rep,
                            stage="mql", temperature="warm", country="DE",
                            channel=channel("trade-show"), created_at=NOW - dt.timedelta(days=10)),
        "anne": LeadFactory(first_name="Anne", last_name="Dupont", company_name="Dupont SA",
                            email="anne@dupont.fr", phone="+33155667788", owner=None,
                            stage="sql", temperature="cold", country="FR",
                            channel=channel("referral"), created_at=NOW - dt.timedelta(days=1)),
    }


@pytest.mark.parametrize(("params", "expected"), [
    ({"search": "giulia"}, {"giulia"}),            # first name
    ({"search": "müller"}, {"hans"}),              # last name, non-ASCII
    ({"search": "dupont sa"}, {"anne"}),           # company, every word must match
    ({"search": "verdi.it"}, {"giulia"}),          # email
    ({"search": "987654"}, {"hans"}),              # phone digits
    ({"search": "+33 1 55 66"}, {"anne"}),         # phone as typed with spaces
    ({"search": "nobody-here"}, set()),
    ({"stage": "lead"}, {"giulia"}),
    ({"stage": "mql,sql"}, {"hans", "anne"}),
    ({"temperature": "hot"}, {"giulia"}),
    ({"temperature": "warm,cold"}, {"hans", "anne"}),
    ({"owner": "rita"}, {"giulia"}),
    ({"owner": "none"}, {"anne"}),
    ({"channel": "trade-show"}, {"hans"}),
    ({"channel": "webinar,referral"}, {"giulia", "anne"}),
    ({"campaign": "Webinar Q1"}, {"giulia"}),
    ({"country": "DE"}, {"hans"}),
    ({"country": "IT,FR"}, {"giulia", "anne"}),
])
def test_each_filter(api_as, admin, spread, params, expected):
    got = ids(api_as(admin).get("/api/v1/leads", **params))
    assert got == {spread[name].pk for name in expected}


def test_owner_and_campaign_filters_by_id(api_as, admin, rep, spread):
    client = api_as(admin)
    assert ids(client.get("/api/v1/leads", owner=str(rep.pk))) == {spread["giulia"].pk}
    camp = spread["giulia"].campaign_id
    assert ids(client.get("/api/v1/leads", campaign=str(camp))) == {spread["giulia"].pk}


def test_created_after_and_before(api_as, admin, spread):
    client = api_as(admin)
    after = (NOW - dt.timedelta(days=15)).date().isoformat()
    assert ids(client.get("/api/v1/leads", created_after=after)) == {spread["hans"].pk, spread["anne"].pk}
    before = (NOW - dt.timedelta(days=5)).isoformat()
    assert ids(client.get("/api/v1/leads", created_before=before)) == {spread["giulia"].pk, spread["hans"].pk}
    both = ids(client.get("/api/v1/leads", created_after=after, created_before=before))
    assert both == {spread["hans"].pk}


@pytest.mark.parametrize(("params", "field"), [
    ({"stage": "won"}, "stage"),
    ({"temperature": "tepid"}, "temperature"),
    ({"ordering": "password"}, "ordering"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"cursor": "garbage!"}, "cursor"),
])
def test_bad_list_parameters_are_422(api_as, admin, params, field):
    assert_error(api_as(admin).get("/api/v1/leads", **params), 422, field=field)


def test_default_order_is_newest_first(api_as, admin, spread):
    items = api_as(admin).get("/api/v1/leads").json()["items"]
    assert [i["first_name"] for i in items] == ["Anne", "Hans", "Giulia"]


def test_ordering_by_name_both_ways(api_as, admin, spread):
    client = api_as(admin)
    up = [i["last_name"] for i in client.get("/api/v1/leads", ordering="last_name").json()["items"]]
    down = [i["last_name"] for i in client.get("/api/v1/leads", ordering="-last_name").json()["items"]]
    assert up == ["Dupont", "Müller", "Verdi"] and down == list(reversed(up))


@pytest.fixture
def many(admin, rep):
    """37 leads with ties on every ordering key (same second, same name, same stage, missing scores)."""
    leads = []
    for n in range(37):
        leads.append(LeadFactory(
            owner=rep, last_name=["Rossi", "Bianchi", "Esposito"][n % 3], company_name=f"Co {n % 5}",
            stage=["suspect", "lead", "mql"][n % 3], score=None if n % 4 == 0 else n % 7,
            created_at=NOW - dt.timedelta(seconds=n // 4),
        ))
    return leads


@pytest.mark.parametrize("ordering", [
    "-created_at", "created_at", "last_name", "-last_name", "company_name", "-updated_at",
    "score", "-score", "stage", "-stage",
])
def test_cursor_paging_walks_every_row_exactly_once_in_order(api_as, admin, many, ordering):
    client = api_as(admin)
    whole = [i["id"] for i in client.get("/api/v1/leads", ordering=ordering, limit=500).json()["items"]]
    assert len(whole) == 37
    walked, cursor, pages = [], None, 0
    while True:
        params = {"ordering": ordering, "limit": 5, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/v1/leads", **params).json()
        walked += [i["id"] for i in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 8
    assert walked == whole                      # same order as one big page, no gaps, no repeats
    assert sorted(walked) == sorted(lead.pk for lead in many)


def test_paging_keeps_filters(api_as, admin, many):
    client = api_as(admin)
    first = client.get("/api/v1/leads", stage="lead", limit=4).json()
    second = client.get("/api/v1/leads", stage="lead", limit=4, cursor=first["next_cursor"]).json()
    stages = {i["stage"] for i in first["items"] + second["items"]}
    assert stages == {"lead"} and len(first["items"] + second["items"]) == 8


def test_the_last_page_has_no_next_cursor(api_as, admin, spread):
    assert api_as(admin).get("/api/v1/leads", limit=3).json()["next_cursor"] is None


def _queries_for_list(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/leads", limit=100)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["items"])


def test_the_list_costs_the_same_number_of_queries_for_5_and_50_leads(api_as, manager, rep):
    camp = CampaignFactory()
    client = api_as(manager)
    client.get("/api/v1/me")  # the token's first use writes last_used_at; keep it out of the count
    LeadFactory.create_batch(5, owner=rep, campaign=camp)
    few, n_few = _queries_for_list(client)
    LeadFactory.create_batch(45, owner=rep, campaign=camp)
    lots, n_lots = _queries_for_list(client)
    assert (n_few, n_lots) == (5, 50)
    assert (few, lots) == (1, 1)  # exactly one: leads with their channel, campaign, owner and team
