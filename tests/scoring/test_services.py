"""Rescoring at the service level, on a controlled clock: fit, engagement with decay and caps, only
changed scores written, thresholds moving leads through the lifecycle with their reason in history."""

import datetime as dt

import pytest

from imbuto.core.errors import PermissionDenied, ValidationFailed
from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.scoring import selectors, services
from imbuto.scoring.models import LeadScore, ScoringRule
from tests.factories import LeadFactory

from .conftest import NOW, engage

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def test_without_active_rules_nothing_is_scored(rep_lead):
    assert services.rescore([rep_lead.pk], now=NOW).scored == 0
    rep_lead.refresh_from_db()
    assert rep_lead.score is None


def test_fit_and_decayed_engagement_make_the_score(make_rule, rep_lead):
    Lead.objects.filter(pk=rep_lead.pk).update(industry="Manufacturing", country="IT", job_title="CEO")
    make_rule(kind="fit", attribute="industry", values=["manufacturing"], points=10)
    make_rule(kind="fit", attribute="country", values=["IT"], points=5)
    make_rule(kind="fit", attribute="job_title", values=["cfo"], points=50)  # does not match
    make_rule(kind="engagement", event_kind="webinar_attended", points=20, half_life_days=30)
    engage(rep_lead, "webinar_attended", NOW)  # 20
    engage(rep_lead, "webinar_attended", NOW - 30 * DAY)  # 10
    engage(rep_lead, "webinar_attended", NOW - 60 * DAY)  # 5
    engage(rep_lead, "like", NOW)  # no rule
    report = services.rescore([rep_lead.pk], now=NOW)
    assert (report.scored, report.changed) == (1, 1)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 50
    stored = LeadScore.objects.get(lead=rep_lead)
    assert (stored.fit, stored.engagement, stored.total, stored.computed_at) == (15, 35, 50, NOW)


def test_decay_lowers_the_score_as_the_clock_moves_and_the_nightly_run_writes_it(make_rule, rep_lead):
    make_rule(kind="engagement", event_kind="email_click", points=8, half_life_days=7)
    engage(rep_lead, "email_click", NOW)
    services.rescore_all(now=NOW)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 8
    assert services.rescore_all(now=NOW).changed == 0  # idempotent: nothing changes twice
    services.rescore_all(now=NOW + 7 * DAY)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 4
    services.rescore_all(now=NOW + 70 * DAY)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 0


def test_a_cap_holds_engagement_back_and_the_breakdown_says_so(make_rule, rep_lead, rep):
    rule = make_rule(kind="engagement", event_kind="content_view", points=5, cap=12, name="Reads a lot")
    for hours in range(6):
        engage(rep_lead, "content_view", NOW - dt.timedelta(hours=hours))
    explained = selectors.lead_score(rep, rep_lead.pk, now=NOW)
    [part] = explained.parts
    assert (part.rule_id, part.name, part.points, part.events, part.capped) == (
        rule.pk,
        "Reads a lot",
        12,
        6,
        True,
    )
    assert part.at == NOW and explained.total == 12


def test_rescore_all_walks_every_lead_in_batches_and_skips_merged_ones(make_rule):
    make_rule(kind="fit", attribute="country", values=["IT"], points=7)
    leads = [LeadFactory(country="IT") for _ in range(7)]
    merged = LeadFactory(country="IT", merged_into=leads[0])
    report = services.rescore_all(now=NOW, batch=3)
    assert report.scored == 7 and report.changed == 7
    assert set(Lead.objects.filter(pk__in=[ld.pk for ld in leads]).values_list("score", flat=True)) == {7}
    merged.refresh_from_db()
    assert merged.score is None


def test_thresholds_move_leads_to_mql_and_sql_with_their_reason_in_history(make_rule, marketer):
    make_rule(kind="fit", attribute="industry", values=["retail"], points=30)
    make_rule(kind="engagement", event_kind="form_submit", points=40)
    services.thresholds_set(actor=marketer, data={"mql_threshold": 25, "sql_threshold": 60})
    warm, hot, cold = LeadFactory(industry="retail"), LeadFactory(industry="retail"), LeadFactory()
    engage(hot, "form_submit", NOW)
    report = services.rescore([warm.pk, hot.pk, cold.pk], now=NOW)
    assert report.moved == {warm.pk: "mql", hot.pk: "sql"}
    assert [ld.stage for ld in Lead.objects.filter(pk__in=[warm.pk, hot.pk, cold.pk]).order_by("pk")] == [
        "mql",
        "sql",
        "suspect",
    ]
    entry = history_of(hot).filter(action="transition").get()
    assert entry.reason_code == "scoring.threshold_sql"
    assert entry.reason_params == {"score": 70, "threshold": 60}
    assert history_of(warm).filter(action="transition").get().reason_code == "scoring.threshold_mql"


def test_a_lead_sent_back_by_a_person_is_not_moved_again(make_rule, marketer, admin):
    from imbuto.leads.services import lead_transition

    make_rule(kind="fit", attribute="industry", values=["retail"], points=30)
    services.thresholds_set(actor=marketer, data={"mql_threshold": 25})
    lead = LeadFactory(industry="retail")
    services.rescore([lead.pk], now=NOW)
    lead.refresh_from_db()
    assert lead.stage == "mql"
    lead_transition(actor=admin, lead=lead, to="lead", note="not yet")
    assert services.rescore([lead.pk], now=NOW + DAY).moved == {}
    lead.refresh_from_db()
    assert lead.stage == "lead"


def test_a_buy_now_signal_moves_to_sql_when_switched_on(make_rule, marketer):
    make_rule(kind="fit", attribute="consent", points=1)
    lead = LeadFactory(purchase_timeframe="immediate")
    assert services.rescore([lead.pk], now=NOW).moved == {}
    services.thresholds_set(actor=marketer, data={"buy_now_to_sql": True})
    assert services.rescore([lead.pk], now=NOW).moved == {lead.pk: "sql"}
    assert history_of(lead).filter(action="transition").get().reason_code == "scoring.buy_now"


def test_only_marketers_and_admins_configure(rep, manager, admin):
    data = {"kind": "fit", "attribute": "country", "values": ["IT"], "points": 3, "name": "Italy"}
    for person in (rep, manager):
        with pytest.raises(PermissionDenied):
            services.rule_create(actor=person, data=data)
        with pytest.raises(PermissionDenied):
            services.thresholds_set(actor=person, data={"mql_threshold": 5})
    rule, _ = services.rule_create(actor=admin, data=data)
    assert history_of(rule).get().action == "create"


def test_cyclic_thresholds_and_bad_rules_are_refused_with_field_errors(marketer, make_rule):
    with pytest.raises(ValidationFailed) as caught:
        services.thresholds_set(actor=marketer, data={"mql_threshold": 60, "sql_threshold": 40})
    assert "sql_threshold" in caught.value.fields
    rule = make_rule(kind="engagement", event_kind="like", points=2)
    with pytest.raises(ValidationFailed) as caught:
        services.rule_update(actor=marketer, rule_id=rule.pk, data={"half_life_days": -1})
    assert "half_life_days" in caught.value.fields
    rule.refresh_from_db()
    assert rule.half_life_days is None


def test_an_unreachable_threshold_is_saved_with_a_warning(marketer, make_rule):
    make_rule(kind="fit", attribute="country", values=["IT"], points=10)
    found, warnings = services.thresholds_set(actor=marketer, data={"mql_threshold": 50})
    assert found.mql_threshold == 50 and "10" in warnings[0]


def test_switching_a_rule_off_and_deleting_it(marketer, make_rule, rep_lead):
    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    rule = make_rule(kind="fit", attribute="country", values=["IT"], points=10)
    other = make_rule(kind="fit", attribute="consent", points=1)
    services.rescore([rep_lead.pk], now=NOW)
    services.rule_set_active(actor=marketer, rule_id=rule.pk, active=False)
    services.rescore([rep_lead.pk], now=NOW)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 0
    services.rule_delete(actor=marketer, rule_id=other.pk)
    assert list(ScoringRule.objects.all()) == [rule]
    assert [e.action for e in history_of(rule).order_by("id")] == ["create", "update"]
