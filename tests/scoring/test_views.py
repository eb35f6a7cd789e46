"""The scoring page: marketers add, edit, switch off rules and set thresholds with form errors for bad
input; reps see the rules without the controls; the lead page shows the score panel."""

import pytest

from imbuto.leads.models import Lead
from imbuto.scoring import services
from imbuto.scoring.models import ScoringRule, ScoringSettings

pytestmark = pytest.mark.django_db
FORM = {
    "name": "Manufacturing",
    "kind": "fit",
    "points": "10",
    "attribute": "industry",
    "values": "manufacturing, automotive",
    "is_active": "on",
}


def test_a_marketer_adds_a_rule_through_the_form(client_as, marketer):
    client = client_as(marketer)
    assert client.get("/scoring/rules/new/").status_code == 200
    response = client.post("/scoring/rules/new/", FORM)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ScoringRule.objects.get()
    assert rule.values == ["manufacturing", "automotive"] and rule.points == 10
    page = client.get("/scoring/").content.decode()
    assert "Manufacturing" in page and f'hx-post="/scoring/rules/{rule.pk}/active/"' in page


def test_a_rule_that_can_never_match_gets_form_errors(client_as, marketer):
    client = client_as(marketer)
    response = client.post("/scoring/rules/new/", {**FORM, "values": ""})
    assert response.status_code == 422 and "can never match" in response.content.decode()
    response = client.post(
        "/scoring/rules/new/",
        {**FORM, "kind": "engagement", "event_kind": "like", "half_life_days": "-2", "cap": "-1"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "positive number of days" in html and "below zero" in html
    assert not ScoringRule.objects.exists()


def test_switching_a_rule_off_with_htmx_swaps_its_row(client_as, marketer, htmx):
    rule, _ = services.rule_create(
        actor=marketer,
        data={"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 5},
    )
    response = client_as(marketer).post(f"/scoring/rules/{rule.pk}/active/", headers=htmx)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(f'<tr id="rule-{rule.pk}"') and "Switch on" in html
    rule.refresh_from_db()
    assert not rule.is_active


def test_thresholds_in_the_wrong_order_are_a_form_error(client_as, marketer):
    client = client_as(marketer)
    response = client.post("/scoring/thresholds/", {"mql_threshold": "50", "sql_threshold": "40"})
    assert response.status_code == 422 and "above the MQL threshold" in response.content.decode()
    assert (
        client.post("/scoring/thresholds/", {"mql_threshold": "30", "sql_threshold": "60"}).status_code == 302
    )
    assert ScoringSettings.objects.get().sql_threshold == 60


def test_a_rep_sees_the_rules_but_not_the_controls(client_as, rep, marketer):
    rule, _ = services.rule_create(
        actor=marketer,
        data={"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 5},
    )
    client = client_as(rep)
    html = client.get("/scoring/").content.decode()
    assert "Italy" in html and "/active/" not in html and "New rule" not in html
    assert client.get(f"/scoring/rules/{rule.pk}/").status_code == 403
    assert client.post(f"/scoring/rules/{rule.pk}/active/").status_code == 403


def test_the_page_speaks_italian(client_as, marketer):
    html = client_as(marketer, "it").get("/scoring/").content.decode()
    assert "Regole di adattamento" in html and "Soglie" in html


def test_the_lead_page_shows_the_score_broken_down(client_as, rep, rep_lead, marketer):
    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    services.rule_create(
        actor=marketer,
        data={"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 5},
    )
    html = client_as(rep).get(f"/leads/{rep_lead.pk}/").content.decode()
    assert 'id="lead-score"' in html and "Italy" in html and "Score: 5" in html
