"""Routing leads in the database: explanations in the history, idempotence, leads that arrive owned,
waiting leads and the periodic job, availability with a controlled clock, the batch's query count."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from imbuto.core import explain
from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.routing import engine, services
from imbuto.routing.models import PoolMember, Waiting
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def sql_lead(**kw):
    return LeadFactory(stage="sql", **kw)


def test_a_lead_is_routed_by_the_first_matching_rule_and_explains_itself(routing_world, giulia):
    lead = sql_lead(country="IT")
    report = services.leads_route(actor=None, lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert report.assigned == [lead.pk]
    assert (lead.owner_id, lead.team_id) == (giulia.pk, giulia.team_id)
    [entry] = history_of(lead).filter(action="assigned")
    assert entry.reason_code == engine.ASSIGNED
    assert entry.changes == {"owner": [None, giulia.pk], "team": [None, giulia.team_id]}
    with translation.override("en"):
        assert explain.render(entry.reason_code, entry.reason_params) == (
            "Routed: rule 'Nord Italia' -> pool 'IT-North' -> Giulia Verdi: lowest load relative to their "
            "weight (0 open leads, weight 2)."
        )
    with translation.override("it"):
        text = explain.render(entry.reason_code, entry.reason_params)
        assert "Nord Italia" in text and "Giulia Verdi" in text and "Routed" not in text


def test_a_lead_no_rule_matches_goes_to_the_default_pool(routing_world, other_rep):
    lead = sql_lead(country="FR")
    services.leads_route(actor=None, lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.owner_id == other_rep.pk


def test_routing_twice_changes_nothing_twice(routing_world):
    lead = sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[lead.pk])
    owner = Lead.objects.get(pk=lead.pk).owner_id
    again = services.leads_route(actor=None, lead_ids=[lead.pk])
    assert again.assigned == [] and again.skipped == [lead.pk]
    assert Lead.objects.get(pk=lead.pk).owner_id == owner
    assert history_of(lead).filter(action="assigned").count() == 1


def test_a_lead_that_arrives_owned_is_never_rerouted(routing_world, manager):
    lead = sql_lead(country="IT", owner=manager)
    assert services.leads_route(actor=None, lead_ids=[lead.pk]).assigned == []
    assert Lead.objects.get(pk=lead.pk).owner_id == manager.pk


def test_weighted_shares_follow_the_weights(routing_world, giulia, rep):
    leads = [sql_lead(country="IT") for _ in range(30)]
    services.leads_route(actor=None, lead_ids=[lead.pk for lead in leads])
    owners = list(Lead.objects.filter(pk__in=[lead.pk for lead in leads]).values_list("owner_id", flat=True))
    assert owners.count(giulia.pk) == 20 and owners.count(rep.pk) == 10


def test_existing_open_leads_count_as_load(routing_world, giulia, rep):
    for _ in range(4):
        LeadFactory(owner=giulia, stage="sql")
    LeadFactory(owner=giulia, stage="discarded")  # closed: not load
    lead = sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[lead.pk])
    assert Lead.objects.get(pk=lead.pk).owner_id == rep.pk  # giulia: (4+1)/2 = 2.5 > rita: 1/1


def test_with_nobody_available_the_lead_waits_and_the_periodic_job_routes_it_when_capacity_frees(
    routing_world, giulia, rep
):
    PoolMember.objects.filter(user=giulia).update(capacity=1)
    PoolMember.objects.filter(user=rep).update(capacity=1)
    busy = [LeadFactory(owner=giulia, stage="sql"), LeadFactory(owner=rep, stage="sql")]
    lead = sql_lead(country="IT", temperature="hot")
    report = services.leads_route(actor=None, lead_ids=[lead.pk])
    assert report.waiting == [lead.pk]
    lead.refresh_from_db()
    assert lead.owner_id is None and lead.team_id is None  # in the unassigned queue, not dropped
    wait = Waiting.objects.get(lead=lead)
    assert wait.code == engine.WAITING
    with translation.override("en"):
        assert "2 at capacity" in explain.render(wait.code, wait.params)
    assert history_of(lead).filter(action="routed", reason_code=engine.WAITING).count() == 1
    # the job runs again with nothing freed: still waiting, no second note
    assert services.route_waiting().waiting == [lead.pk]
    assert history_of(lead).filter(action="routed").count() == 1
    Lead.objects.filter(pk=busy[1].pk).update(stage="discarded")  # rita's capacity frees up
    report = services.route_waiting()
    assert report.assigned == [lead.pk]
    assert Lead.objects.get(pk=lead.pk).owner_id == rep.pk
    assert not Waiting.objects.exists()


def test_a_waiting_lead_someone_takes_by_hand_leaves_the_queue(routing_world, giulia, rep, manager):
    PoolMember.objects.update(capacity=1)
    LeadFactory(owner=giulia, stage="sql"), LeadFactory(owner=rep, stage="sql")
    lead = sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[lead.pk])
    Lead.objects.filter(pk=lead.pk).update(owner=manager)
    assert services.route_waiting().assigned == []
    assert Lead.objects.get(pk=lead.pk).owner_id == manager.pk
    assert not Waiting.objects.exists()


def test_without_any_pool_for_it_a_lead_waits_with_its_reason(it_north):
    lead = sql_lead(country="FR")  # no rule, no default pool
    services.leads_route(actor=None, lead_ids=[lead.pk])
    assert Waiting.objects.get(lead=lead).code == engine.NO_POOL


def test_availability_follows_the_clock(routing_world, giulia, rep):
    PoolMember.objects.filter(user=giulia).update(
        away_from=dt.date(2026, 8, 3), away_until=dt.date(2026, 8, 14)
    )
    PoolMember.objects.filter(user=rep).update(work_start=dt.time(9), work_end=dt.time(18))
    tz = timezone.get_current_timezone()
    during_holiday_at_10 = dt.datetime(2026, 8, 5, 10, tzinfo=tz)
    lead = sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[lead.pk], now=during_holiday_at_10)
    assert Lead.objects.get(pk=lead.pk).owner_id == rep.pk
    night = sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[night.pk], now=during_holiday_at_10.replace(hour=22))
    assert Waiting.objects.filter(lead=night).exists()
    with translation.override("en"):
        wait = Waiting.objects.get(lead=night)
        assert "1 out of office, 1 outside working hours" in explain.render(wait.code, wait.params)
    services.route_waiting(now=during_holiday_at_10 + dt.timedelta(days=1))
    assert Lead.objects.get(pk=night.pk).owner_id == rep.pk


def test_leads_not_sales_qualified_go_to_the_nurturing_owner(routing_world, marketer, giulia):
    routing_world["north"].nurturing_owner = marketer
    routing_world["north"].save()
    mql, sql = LeadFactory(country="IT", stage="mql"), sql_lead(country="IT")
    services.leads_route(actor=None, lead_ids=[mql.pk, sql.pk])
    mql.refresh_from_db()
    assert (mql.owner_id, mql.team_id) == (marketer.pk, routing_world["north"].team_id)
    assert Lead.objects.get(pk=sql.pk).owner_id == giulia.pk
    [entry] = history_of(mql).filter(action="assigned")
    with translation.override("en"):
        assert "who nurtures leads that are not sales qualified yet (Marketing qualified)" in explain.render(
            entry.reason_code, entry.reason_params
        )


def test_route_again_reroutes_owned_leads_and_keeps_the_owner_when_nobody_can_take_them(
    routing_world, manager, giulia, rep, other_rep
):
    lead = sql_lead(country="IT", owner=manager)
    report, refused = services.leads_route_again(actor=manager, leads=[lead])
    assert refused == {} and report.assigned == [lead.pk]
    assert Lead.objects.get(pk=lead.pk).owner_id == giulia.pk
    PoolMember.objects.update(capacity=1)
    stuck = sql_lead(country="IT", owner=manager)
    LeadFactory(owner=rep, stage="sql")
    report, _ = services.leads_route_again(actor=manager, leads=[stuck])
    assert report.assigned == [] and Lead.objects.get(pk=stuck.pk).owner_id == manager.pk
    foreign = sql_lead(country="IT", owner=other_rep)
    _report, refused = services.leads_route_again(actor=manager, leads=[foreign])
    assert list(refused) == [foreign.pk]


def test_a_batch_of_ten_thousand_leads_routes_in_as_many_queries_as_a_batch_of_ten(routing_world):
    """Lock, read, decide, one UPDATE, one history insert: the statements do not grow with the batch."""
    now = timezone.now()
    Lead.objects.bulk_create(
        [
            Lead(last_name=f"L{i}", country="IT" if i % 2 else "FR", stage="sql", created_at=now)
            for i in range(10_011)
        ],
        batch_size=2000,
    )
    ids = list(Lead.objects.order_by("pk").values_list("pk", flat=True))
    services.leads_route(actor=None, lead_ids=ids[:1])  # warms the process caches (content types)
    with CaptureQueriesContext(connection) as small:
        assert len(services.leads_route(actor=None, lead_ids=ids[1:11]).assigned) == 10
    with CaptureQueriesContext(connection) as queries:
        report = services.leads_route(actor=None, lead_ids=ids[11:])
    assert len(report.assigned) == 10_000
    assert len(queries) == len(small) <= 12, [q["sql"][:80] for q in queries.captured_queries]
    assert Lead.objects.filter(owner__isnull=True).count() == 0
