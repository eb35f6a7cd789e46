"""The request edge of `POST /api/v1/leads`: what it costs around the pipeline (no idempotency query
without a key, one plain query for the answer) and that the answer stays complete and current."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imbuto.intake.models import IdempotencyRecord
from imbuto.intake.pipeline.idempotency import run_once
from imbuto.leads.models import Channel, Lead
from imbuto.leads.schemas import LeadOut
from imbuto.users.models import Team
from tests.api.conftest import assert_error
from tests.factories import CampaignFactory, LeadFactory


def _sql(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries]


def test_without_a_key_no_idempotency_query_is_made(api_as, admin):
    client = api_as(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/leads", {"first_name": "Ida", "email": "ida@example.com"})
    assert response.status_code == 201, response.content
    assert not [s for s in _sql(queries) if "idempotency" in s]
    assert not IdempotencyRecord.objects.exists()


def test_the_answer_is_read_with_one_query_after_the_pipeline(api_as, rep):
    """Channel, team and owner come from the cache or the caller: no join, no lazy load."""
    client = api_as(rep)
    client.post("/api/v1/leads", {"first_name": "Warm", "email": "warm@example.com", "channel": "web-form"})
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/leads", {"first_name": "Ugo", "email": "ugo@example.com",
                                                 "channel": "web-form"})
    assert response.status_code == 201, response.content
    sql = _sql(queries)
    pipeline_end = max(i for i, s in enumerate(sql) if s.upper().startswith("RELEASE SAVEPOINT"))
    reads = [s for s in sql[pipeline_end:] if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1 and "leads_lead" in reads[0], reads
    data = response.json()
    assert (data["channel"], data["owner_username"], data["team_name"]) == ("web-form", "rita", "North")


def test_the_answer_is_the_lead_as_the_orm_reads_it(api_as, admin, rep):
    """Dates, datetimes, flags (JSON), booleans and references read by the plain query come out exactly
    as LeadOut of an ORM read shows them."""
    campaign = CampaignFactory(name="Autumn")
    response = api_as(admin).post("/api/v1/leads", {
        "first_name": "Zoe", "last_name": "Rich", "email": "zoe@rich.example.com", "phone": "12",
        "company_name": "Rich S.p.A.", "country": "IT", "city": "Torino", "owner": rep.username,
        "campaign": campaign.pk, "purchase_timeframe": "later", "temperature": "hot",
        "consent_basis": "consent", "consent_at": "2026-03-04T05:06:07.123456+01:00", "utm_source": "x"})
    assert response.status_code == 201, response.content
    data = response.json()
    lead = Lead.objects.select_related("owner", "team", "channel", "campaign").get(pk=data["id"])
    expected = LeadOut.from_orm(lead).model_dump(mode="json")
    assert {k: data[k] for k in expected} == expected
    assert data["temperature_overridden"] is True and data["consent_at"].startswith("2026-03-04T04:06:07")


def test_the_answer_names_owner_team_channel_and_campaign(api_as, admin, other_rep):
    campaign = CampaignFactory(name="Spring fair")
    response = api_as(admin).post("/api/v1/leads", {
        "first_name": "Olga", "email": "olga@example.com", "owner": "remo", "campaign": campaign.pk})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["owner"] == other_rep.pk and data["owner_username"] == "remo"
    assert data["team_name"] == "South" and data["campaign_name"] == "Spring fair"
    lead = Lead.objects.select_related("channel").get(pk=data["id"])
    assert data["channel"] == lead.channel.slug and data["channel_name"] == lead.channel.display_name


def test_a_renamed_channel_or_team_shows_at_once(api_as, rep, north):
    client = api_as(rep)
    client.post("/api/v1/leads", {"first_name": "Pia", "email": "pia@example.com", "channel": "web-form"})
    Channel.objects.filter(slug="web-form").update(name="Stale")  # no signal: stands for another process
    web = Channel.objects.get(slug="web-form")
    web.name = "Website form"
    web.save()
    north.name = "Nord"
    north.save()
    data = client.post("/api/v1/leads", {"first_name": "Leo", "email": "leo@example.com",
                                         "channel": "web-form"}).json()
    assert data["channel_name"] == "Website form" and data["team_name"] == "Nord"


def test_a_merge_into_a_lead_owned_by_someone_else_shows_its_owner(api_as, admin, rep):
    existing = LeadFactory(owner=rep, first_name="Sam", last_name="Same", email="same@example.com")
    response = api_as(admin).post("/api/v1/leads", {"first_name": "Sam", "last_name": "Same",
                                                    "email": "same@example.com"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["id"] == existing.pk and data["outcome"] == "merged" and data["owner_username"] == "rita"
    assert Team.objects.get(pk=data["team"]).name == data["team_name"]


def test_a_key_is_claimed_in_one_statement_and_replayed(api_as, admin):
    client = api_as(admin)
    body = {"first_name": "Ilo", "email": "ilo@example.com"}
    with CaptureQueriesContext(connection) as queries:
        first = client.post("/api/v1/leads", body, headers={"Idempotency-Key": "k-edge"})
    claims = [s for s in _sql(queries) if "intake_idempotencyrecord" in s]
    assert len(claims) == 2 and "ON CONFLICT" in claims[0] and claims[1].startswith("UPDATE"), claims
    again = client.post("/api/v1/leads", body, headers={"Idempotency-Key": "k-edge"})
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert again.status_code == first.status_code == 201
    assert_error(client.post("/api/v1/leads", {"first_name": "Other"}, headers={"Idempotency-Key": "k-edge"}),
                 422, "idempotency_key_reused")
    assert Lead.objects.count() == 1


def test_a_failed_first_attempt_leaves_the_key_free(db, admin):
    calls = []

    def failing():
        calls.append("fail")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        run_once(client=admin, endpoint="t", key="k", body={"a": 1}, work=failing)
    assert not IdempotencyRecord.objects.exists()
    assert run_once(client=admin, endpoint="t", key="k", body={"a": 1}, work=lambda: (201, {"ok": 1})) == (
        201, {"ok": 1}, False)
    replay = run_once(client=admin, endpoint="t", key="k", body={"a": 1}, work=failing)
    assert replay == (201, {"ok": 1}, True)
    assert calls == ["fail"]


def test_the_same_key_of_another_client_or_endpoint_is_separate(db, admin, rep):
    assert run_once(client=admin, endpoint="a", key="k", body=1, work=lambda: (200, "admin")) == (
        200, "admin", False)
    assert run_once(client=rep, endpoint="a", key="k", body=1, work=lambda: (200, "rep")) == (
        200, "rep", False)
    assert run_once(client=admin, endpoint="b", key="k", body=1, work=lambda: (200, "b")) == (200, "b", False)
    assert IdempotencyRecord.objects.count() == 3
