"""POST /api/v1/leads/bulk: by ids or by filter, each lead through its service with its permission
check and history, one outcome per lead."""

import pytest

from imbuto.core.history import history_of
from imbuto.leads import bulk
from imbuto.leads.models import Lead
from tests.factories import CampaignFactory, LeadFactory, UserFactory

from .conftest import assert_error


@pytest.fixture
def team_leads(rep, other_rep, manager):
    return {
        "a": LeadFactory(owner=rep, last_name="Alfa", temperature="hot"),
        "b": LeadFactory(owner=rep, last_name="Beta", temperature="cold"),
        "south": LeadFactory(owner=other_rep, last_name="Sud", temperature="hot"),
    }


def by_id(response):
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()["items"]}


def test_a_manager_assigns_their_team_leads_and_cannot_see_the_others(api_as, manager, north, team_leads):
    mate = UserFactory(username="nino", role="rep", team=north)
    ids = [team_leads["a"].pk, team_leads["b"].pk, team_leads["south"].pk]
    r = api_as(manager).post("/api/v1/leads/bulk", {"ids": ids, "action": "assign", "owner": "nino"})
    items = by_id(r)
    assert items[team_leads["a"].pk]["status"] == "done"
    assert items[team_leads["south"].pk]["status"] == "not_found"
    assert r.json()["counts"] == {"done": 2, "unchanged": 0, "refused": 0, "not_found": 1}
    assert Lead.objects.get(pk=team_leads["a"].pk).owner == mate
    assert Lead.objects.get(pk=team_leads["south"].pk).owner.username == "remo"
    entry = history_of(team_leads["b"]).last()
    assert entry.changes["owner"][1] == mate.pk and entry.actor == manager


def test_a_manager_may_not_hand_leads_to_another_team(api_as, manager, other_rep, team_leads):
    r = api_as(manager).post("/api/v1/leads/bulk", {"ids": [team_leads["a"].pk], "action": "assign",
                                                    "owner": "remo"})
    item = by_id(r)[team_leads["a"].pk]
    assert item["status"] == "refused" and item["code"] == "permission_denied" and item["message"]
    assert Lead.objects.get(pk=team_leads["a"].pk).owner.username == "rita"


def test_assign_by_filter_and_to_a_team_queue(api_as, admin, south, team_leads):
    r = api_as(admin).post("/api/v1/leads/bulk", {"filter": {"temperature": "hot"}, "action": "assign",
                                                  "owner": None, "team": "south"})
    assert set(by_id(r)) == {team_leads["a"].pk, team_leads["south"].pk}
    a = Lead.objects.get(pk=team_leads["a"].pk)
    assert a.owner is None and a.team == south


def test_transition_moves_only_where_legal(api_as, admin, team_leads):
    Lead.objects.filter(pk=team_leads["b"].pk).update(stage="customer")
    r = api_as(admin).post("/api/v1/leads/bulk", {"ids": [team_leads["a"].pk, team_leads["b"].pk],
                                                  "action": "transition", "to": "mql"})
    items = by_id(r)
    assert items[team_leads["a"].pk]["status"] == "done"
    assert items[team_leads["b"].pk]["status"] == "refused"
    assert items[team_leads["b"].pk]["code"] == "invalid_transition"
    assert Lead.objects.get(pk=team_leads["a"].pk).stage == "mql"


def test_discard_needs_a_reason_and_keeps_it(api_as, rep, team_leads):
    ids = [team_leads["a"].pk, team_leads["b"].pk]
    assert_error(api_as(rep).post("/api/v1/leads/bulk", {"ids": ids, "action": "discard"}), 422,
                 field="reason")
    r = api_as(rep).post("/api/v1/leads/bulk", {"ids": ids, "action": "discard", "reason": "spam"})
    assert r.json()["counts"]["done"] == 2
    assert Lead.objects.get(pk=ids[0]).disposition_reason == "spam"


def test_add_to_campaign_through_the_update_service(api_as, marketer, team_leads):
    camp = CampaignFactory(name="Fiera 2027")
    Lead.objects.filter(pk=team_leads["b"].pk).update(stage="sql")  # past marketing: not theirs to change
    r = api_as(marketer).post("/api/v1/leads/bulk", {"ids": [team_leads["a"].pk, team_leads["b"].pk],
                                                     "action": "add_to_campaign", "campaign": "Fiera 2027"})
    items = by_id(r)
    assert items[team_leads["a"].pk]["status"] == "done"
    assert items[team_leads["b"].pk]["status"] == "refused"
    assert Lead.objects.get(pk=team_leads["a"].pk).campaign == camp


def test_bad_requests_are_422(api_as, admin, team_leads):
    c = api_as(admin)
    assert_error(c.post("/api/v1/leads/bulk", {"action": "discard", "reason": "spam"}), 422)
    assert_error(c.post("/api/v1/leads/bulk", {"ids": [1], "filter": {}, "action": "assign"}), 422)
    assert_error(c.post("/api/v1/leads/bulk", {"ids": [1], "action": "explode"}), 422)
    assert_error(c.post("/api/v1/leads/bulk", {"ids": [1], "action": "assign", "owner": "nobody"}), 422,
                 field="owner")
    assert_error(c.post("/api/v1/leads/bulk", {"ids": [1], "action": "add_to_campaign"}), 422,
                 field="campaign")


def test_a_set_over_the_bound_is_refused_whole(api_as, admin, team_leads, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_LEADS", 2)
    r = api_as(admin).post("/api/v1/leads/bulk", {"filter": {}, "action": "discard", "reason": "spam"})
    assert_error(r, 422)
    assert not Lead.objects.filter(stage="discarded").exists()
