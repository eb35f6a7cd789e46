"""/api/v1/routing: rules and pools with members, warnings, settings, route again; bad input is a
clear 4xx naming the field, never a 500."""

from __future__ import annotations

import pytest

from imbuto.leads.models import Lead
from imbuto.routing.models import Pool, PoolMember, Rule
from tests.factories import CampaignFactory, LeadFactory

pytestmark = pytest.mark.django_db


def fields_of(response):
    return response.json()["error"]["fields"]


def test_an_admin_creates_a_pool_with_members_and_a_rule(api_as, admin, north, giulia, rep):
    api = api_as(admin)
    response = api.post(
        "/api/v1/routing/pools",
        {
            "name": "IT-North",
            "team_id": north.pk,
            "is_default": True,
            "members": [
                {
                    "user_id": giulia.pk,
                    "weight": 2,
                    "capacity": 30,
                    "skills": ["German"],
                    "work_start": "09:00",
                    "work_end": "18:00",
                },
                {"user_id": rep.pk, "away_from": "2026-08-03", "away_until": "2026-08-14"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    pool = response.json()
    assert [m["user_id"] for m in pool["members"]] == [giulia.pk, rep.pk]
    assert pool["members"][0]["skills"] == ["german"] and pool["members"][0]["capacity"] == 30
    response = api.post(
        "/api/v1/routing/rules",
        {
            "name": "Nord Italia",
            "pool_id": pool["id"],
            "countries": ["Italia", "de"],
            "languages": ["Italiano"],
            "temperatures": ["hot", "warm"],
            "min_score": 10,
        },
    )
    assert response.status_code == 201, response.content
    rule = response.json()
    assert (rule["countries"], rule["languages"], rule["warnings"]) == (["IT", "DE"], ["it"], [])
    listed = api.get("/api/v1/routing/rules").json()
    assert [r["name"] for r in listed] == ["Nord Italia"]
    response = api.patch(f"/api/v1/routing/pools/{pool['id']}", {"members": [{"user_id": rep.pk}]})
    assert [m["user_id"] for m in response.json()["members"]] == [rep.pk]
    deleted = api.client.delete(f"/api/v1/routing/rules/{rule['id']}", headers=api._headers())
    assert deleted.status_code == 204
    assert not Rule.objects.exists()


def test_warnings_name_rules_that_never_match_and_pools_with_nobody(api_as, admin, routing_world):
    api = api_as(admin)
    odd = api.post(
        "/api/v1/routing/rules",
        {"name": "Odd", "pool_id": routing_world["north"].pk, "min_score": 80, "max_score": 20},
    ).json()
    assert [w["code"] for w in odd["warnings"]] == ["score_range_empty"]
    catch_all = api.post(
        "/api/v1/routing/rules", {"name": "All", "pool_id": routing_world["north"].pk, "position": 0}
    ).json()
    assert catch_all["warnings"] == []
    late = api.get(f"/api/v1/routing/rules/{routing_world['rule'].pk}").json()
    assert late["warnings"][0]["code"] == "shadowed"
    assert late["warnings"][0]["text"] == (
        "This rule is never reached: rule 'All' before it matches every lead it would."
    )
    PoolMember.objects.filter(pool=routing_world["south"]).delete()
    south = api.get(f"/api/v1/routing/pools/{routing_world['south'].pk}").json()
    assert [w["code"] for w in south["warnings"]] == ["pool_empty"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"members": [{"user_id": 999999}]}, "members.0.user"),
        ({"members": [{"user_id": "REP", "capacity": 0}]}, "members.0.capacity"),
        ({"members": [{"user_id": "REP", "weight": 0}]}, "members.0.weight"),
        ({"members": [{"user_id": "REP", "work_start": "18:00", "work_end": "09:00"}]}, "members.0.work_end"),
        (
            {"members": [{"user_id": "REP", "away_from": "2026-08-14", "away_until": "2026-08-03"}]},
            "members.0.away_until",
        ),
        ({"members": [{"user_id": "REP", "work_days": [9]}]}, "members.0.work_days"),
        ({"members": [{"user_id": "REP"}, {"user_id": "REP"}]}, "members.1.user_id"),
        ({"team_id": 999999}, "team"),
        ({"nurturing_owner_id": 999999}, "nurturing_owner"),
    ],
)
def test_bad_pool_input_is_a_422_naming_the_field(api_as, admin, it_north, rep, body, field):
    members = body.get("members")
    if members:
        body = {
            "members": [{**m, "user_id": rep.pk if m["user_id"] == "REP" else m["user_id"]} for m in members]
        }
    before = list(PoolMember.objects.values_list("pk", "weight", "capacity"))
    response = api_as(admin).patch(f"/api/v1/routing/pools/{it_north.pk}", body)
    assert response.status_code == 422, response.content
    assert any(name == field or name.startswith(field + ".") for name in fields_of(response))
    assert list(PoolMember.objects.values_list("pk", "weight", "capacity")) == before  # all or nothing


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"countries": ["Atlantis"]}, "countries"),
        ({"languages": ["klingonese"]}, "languages"),
        ({"channels": ["carrier-pigeon"]}, "channels"),
        ({"campaigns": [999999]}, "campaigns"),
        ({"temperatures": ["boiling"]}, "temperatures"),
        ({"size_bands": ["huge"]}, "size_bands"),
        ({"pool_id": 999999}, "pool"),
        ({"countries": ["I\u0000T"]}, "countries"),
    ],
)
def test_bad_rule_input_is_a_422_naming_the_field(api_as, admin, it_north, body, field):
    response = api_as(admin).post("/api/v1/routing/rules", {"name": "R", "pool_id": it_north.pk, **body})
    assert response.status_code == 422, response.content
    assert any(name == field or name.startswith(field + ".") for name in fields_of(response))
    assert not Rule.objects.exists()


def test_a_known_campaign_and_channel_are_accepted(api_as, admin, it_north):
    campaign = CampaignFactory(name="Spring")
    response = api_as(admin).post(
        "/api/v1/routing/rules",
        {"name": "R", "pool_id": it_north.pk, "campaigns": [campaign.pk], "channels": ["web-form"]},
    )
    assert response.status_code == 201


def test_a_second_pool_for_a_team_and_a_duplicate_name_are_refused(api_as, admin, it_north, north, south):
    assert (
        api_as(admin).post("/api/v1/routing/pools", {"name": "Again", "team_id": north.pk}).status_code == 422
    )
    assert (
        api_as(admin).post("/api/v1/routing/pools", {"name": "IT-North", "team_id": south.pk}).status_code
        == 422
    )


def test_a_manager_changes_their_own_teams_pool_and_rules_only(
    api_as, manager, routing_world, south, other_rep
):
    api = api_as(manager)
    north_id, south_id = routing_world["north"].pk, routing_world["south"].pk
    assert api.patch(f"/api/v1/routing/pools/{north_id}", {"name": "Nord"}).status_code == 200
    assert api.patch(f"/api/v1/routing/pools/{south_id}", {"name": "Sud"}).status_code == 403
    assert api.post("/api/v1/routing/rules", {"name": "Mine", "pool_id": north_id}).status_code == 201
    assert api.post("/api/v1/routing/rules", {"name": "Theirs", "pool_id": south_id}).status_code == 403
    assert (
        api.patch(f"/api/v1/routing/rules/{routing_world['rule'].pk}", {"pool_id": south_id}).status_code
        == 403
    )
    assert api.patch(f"/api/v1/routing/pools/{north_id}", {"is_default": True}).status_code == 403
    assert api.patch("/api/v1/routing/settings", {"nurturing_owner_id": None}).status_code == 403
    assert Pool.objects.get(pk=south_id).name == "South"


def test_reps_see_no_routing(api_as, rep, routing_world):
    assert api_as(rep).get("/api/v1/routing/rules").status_code == 403
    assert api_as(rep).get("/api/v1/routing/pools").status_code == 403


def test_settings_set_the_global_nurturing_owner(api_as, admin, marketer, routing_world):
    response = api_as(admin).patch("/api/v1/routing/settings", {"nurturing_owner_id": marketer.pk})
    assert response.json() == {"nurturing_owner_id": marketer.pk}
    assert api_as(admin).patch("/api/v1/routing/settings", {"nurturing_owner_id": 999999}).status_code == 422
    lead = LeadFactory(country="IT", stage="lead")
    api_as(admin).post("/api/v1/routing/route", {"ids": [lead.pk]})
    assert Lead.objects.get(pk=lead.pk).owner_id == marketer.pk


def test_route_again_by_filter_and_by_ids(api_as, manager, routing_world, giulia, rep, other_rep):
    mine = [LeadFactory(owner=manager, country="IT", stage="sql") for _ in range(3)]
    foreign = LeadFactory(owner=other_rep, country="IT", stage="sql")
    response = api_as(manager).post("/api/v1/routing/route", {"filter": {"owner": str(manager.pk)}})
    assert response.status_code == 200, response.content
    assert response.json()["counts"] == {"done": 3}
    assert {Lead.objects.get(pk=lead.pk).owner_id for lead in mine} <= {giulia.pk, rep.pk}
    item = response.json()["items"][0]
    assert item["text"].startswith("Routed: rule 'Nord Italia'")
    response = api_as(manager).post("/api/v1/routing/route", {"ids": [foreign.pk, 999999]})
    assert response.json()["counts"] == {"not_found": 2}  # not visible to a North manager
    assert api_as(manager).post("/api/v1/routing/route", {}).status_code == 422
    assert api_as(rep).post("/api/v1/routing/route", {"ids": [mine[0].pk]}).status_code == 403


def test_lead_routing_is_seen_by_who_sees_the_lead(api_as, rep, other_rep, routing_world):
    lead = LeadFactory(owner=other_rep)
    assert api_as(rep).get(f"/api/v1/leads/{lead.pk}/routing").status_code == 404
    body = api_as(other_rep).get(f"/api/v1/leads/{lead.pk}/routing").json()
    assert body == {
        "lead_id": lead.pk,
        "owner_id": other_rep.pk,
        "team_id": other_rep.team_id,
        "waiting": False,
        "waiting_since": None,
        "waiting_reason": None,
        "latest": None,
        "history": [],
    }
