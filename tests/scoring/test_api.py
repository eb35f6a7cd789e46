"""/api/v1/scoring and /api/v1/leads/{id}/score: CRUD, clear 4xx for bad rules, scoping of scores."""

import pytest

from imbuto.leads.models import Lead
from imbuto.scoring import services
from imbuto.scoring.models import ScoringRule

from .conftest import NOW, engage

pytestmark = pytest.mark.django_db
FIT = {"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 10}


def test_a_marketer_creates_reads_changes_and_deletes_a_rule(api_as, marketer):
    client = api_as(marketer)
    created = client.post("/api/v1/scoring/rules", FIT)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["values"] == ["IT"] and body["warnings"] == [] and body["is_active"] is True
    rule_id = body["id"]
    assert client.get(f"/api/v1/scoring/rules/{rule_id}").json()["name"] == "Italy"
    changed = client.patch(f"/api/v1/scoring/rules/{rule_id}", {"points": 15, "is_active": False})
    assert changed.status_code == 200 and changed.json()["points"] == 15 and not changed.json()["is_active"]
    assert [r["id"] for r in client.get("/api/v1/scoring/rules").json()["items"]] == [rule_id]
    assert (
        client.client.delete(f"/api/v1/scoring/rules/{rule_id}", headers=client._headers()).status_code == 204
    )
    assert not ScoringRule.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**FIT, "values": []}, "values"),
        ({**FIT, "attribute": "size_band", "values": ["enormous"]}, "values"),
        (
            {"name": "x", "kind": "engagement", "event_kind": "like", "points": 2, "half_life_days": -1},
            "half_life_days",
        ),
        ({"name": "x", "kind": "engagement", "event_kind": "like", "points": 2, "cap": -5}, "cap"),
        ({"name": "x", "kind": "engagement", "points": 2}, "event_kind"),
        ({**FIT, "points": 0}, "points"),
    ],
)
def test_a_bad_rule_is_a_422_naming_the_field(api_as, marketer, body, field):
    response = api_as(marketer).post("/api/v1/scoring/rules", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not ScoringRule.objects.exists()


def test_malformed_input_is_a_422_not_a_500(api_as, marketer):
    client = api_as(marketer)
    for body in (
        {**FIT, "points": "many"},
        {**FIT, "attribute": "shoe"},
        {**FIT, "surprise": 1},
        {**FIT, "values": ["a\x00b"]},
        {**FIT, "half_life_days": "soon"},
    ):
        assert client.post("/api/v1/scoring/rules", body).status_code == 422, body


def test_a_rule_matching_nothing_yet_comes_back_with_a_warning(api_as, marketer):
    response = api_as(marketer).post(
        "/api/v1/scoring/rules", {**FIT, "attribute": "campaign", "values": ["Autumn 2031"]}
    )
    assert response.status_code == 201 and "Autumn 2031" in response.json()["warnings"][0]


def test_reps_and_managers_read_rules_but_may_not_change_them(api_as, rep, manager, marketer):
    rule, _ = services.rule_create(actor=marketer, data=FIT)
    for person in (rep, manager):
        client = api_as(person)
        assert client.get("/api/v1/scoring/rules").status_code == 200
        assert client.post("/api/v1/scoring/rules", FIT).status_code == 403
        assert client.patch(f"/api/v1/scoring/rules/{rule.pk}", {"points": 1}).status_code == 403
        assert (
            client.client.put(
                "/api/v1/scoring/thresholds",
                '{"mql_threshold": 5}',
                content_type="application/json",
                headers=client._headers(),
            ).status_code
            == 403
        )
        assert client.post("/api/v1/scoring/rescore").status_code == 403


def test_thresholds_in_the_wrong_order_are_a_422(api_as, marketer):
    client = api_as(marketer)

    def put(body):
        return client.client.put(
            "/api/v1/scoring/thresholds",
            __import__("json").dumps(body),
            content_type="application/json",
            headers=client._headers(),
        )

    bad = put({"mql_threshold": 50, "sql_threshold": 50})
    assert bad.status_code == 422 and "sql_threshold" in bad.json()["error"]["fields"]
    assert put({"mql_threshold": -3}).status_code == 422
    good = put({"mql_threshold": 20, "sql_threshold": 50, "buy_now_to_sql": True})
    assert good.status_code == 200 and good.json()["sql_threshold"] == 50
    assert client.get("/api/v1/scoring/thresholds").json()["buy_now_to_sql"] is True


def test_the_score_of_a_lead_is_explained_and_scoped_like_the_lead(
    api_as, marketer, rep, other_rep, manager, rep_lead
):
    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    fit, _ = services.rule_create(actor=marketer, data=FIT)
    like, _ = services.rule_create(
        actor=marketer, data={"name": "Likes", "kind": "engagement", "event_kind": "like", "points": 2}
    )
    engage(rep_lead, "like", NOW)
    services.rescore([rep_lead.pk])
    body = api_as(rep).get(f"/api/v1/leads/{rep_lead.pk}/score").json()
    assert (body["total"], body["fit"], body["engagement"], body["stored_score"]) == (12, 10, 2.0, 12)
    assert [(p["rule_id"], p["name"], p["points"], p["kind"]) for p in body["breakdown"]] == [
        (fit.pk, "Italy", 10.0, "fit"),
        (like.pk, "Likes", 2.0, "engagement"),
    ]
    assert body["breakdown"][1]["at"].startswith("2026-06-01T12:00:00") and body["computed_at"]
    assert api_as(manager).get(f"/api/v1/leads/{rep_lead.pk}/score").status_code == 200
    assert api_as(other_rep).get(f"/api/v1/leads/{rep_lead.pk}/score").status_code == 404


def test_the_lead_list_filters_and_sorts_by_score(api_as, admin, marketer):
    from tests.factories import LeadFactory

    low, mid, high = (LeadFactory(last_name=n) for n in ("Low", "Mid", "High"))
    LeadFactory(last_name="Unscored")
    for lead, score in ((low, 5), (mid, 20), (high, 60)):
        Lead.objects.filter(pk=lead.pk).update(score=score)
    client = api_as(admin)
    names = [
        i["last_name"] for i in client.get("/api/v1/leads", min_score=10, ordering="-score").json()["items"]
    ]
    assert names == ["High", "Mid"]
    names = [
        i["last_name"]
        for i in client.get("/api/v1/leads", min_score=5, max_score=20, ordering="score").json()["items"]
    ]
    assert names == ["Low", "Mid"]
    assert client.get("/api/v1/leads", min_score="lots").status_code == 422
