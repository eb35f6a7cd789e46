"""The routing choice as plain data (no database): rule matching, weighted fairness, capacity,
availability, skills, hot before cold, nurturing, waiting."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from imbuto.routing import engine
from imbuto.routing.engine import LeadFacts, Member, PoolSpec, Router, RuleSpec, Schedule

# Pure code, no database: run once (the PostgreSQL run) when scripts/test.sh runs both.
pytestmark = pytest.mark.one_database


def pool(pid=1, team=10, members=(), **kw):
    return PoolSpec(id=pid, name=f"P{pid}", team_id=team, members=list(members), **kw)


def member(uid, weight=1, capacity=None, open=0, skills=(), unavailable=""):  # noqa: A002
    return Member(
        user_id=uid,
        name=f"U{uid}",
        team_id=10,
        weight=weight,
        capacity=capacity,
        open=open,
        skills=frozenset(skills),
        unavailable=unavailable,
    )


def sql(i, **kw):
    return LeadFacts(id=i, stage="sql", **kw)


def test_first_matching_rule_wins_and_unmatched_leads_go_to_the_default_pool():
    north, south, default = (
        pool(1, 10, [member(1)]),
        pool(2, 20, [member(2)]),
        pool(3, 30, [member(3)], is_default=True),
    )
    rules = [
        RuleSpec.build(id=1, name="Nord Italia", pool_id=1, countries=["IT"], regions=["Lombardia"]),
        RuleSpec.build(id=2, name="Italia", pool_id=2, countries=["it"]),
    ]
    router = Router(rules, [north, south, default])
    assert router.route(sql(1, country="IT", region="lombardia")).owner_id == 1
    assert router.route(sql(2, country="IT", region="Lazio")).owner_id == 2
    decision = router.route(sql(3, country="FR"))
    assert decision.owner_id == 3 and decision.params["routing_route"] == {"kind": "default", "pool": "P3"}


def test_each_condition_narrows_the_match():
    rule = RuleSpec.build(
        id=1,
        name="r",
        pool_id=1,
        languages=["de"],
        size_bands=["250+"],
        channels=["web-form"],
        campaigns=[7],
        temperatures=["hot"],
        min_score=50,
        max_score=80,
        products=["crm"],
        industries=["Retail"],
    )
    good = {
        "language": "de-ch",
        "size_band": "250+",
        "channel": "web-form",
        "campaign_id": 7,
        "temperature": "hot",
        "score": 60,
        "interest": "spring-crm-launch",
        "industry": "retail",
    }
    assert rule.matches(sql(1, **good))
    for field, bad in [
        ("language", "it"),
        ("size_band", "1-9"),
        ("channel", "chat"),
        ("campaign_id", 8),
        ("temperature", "cold"),
        ("score", 90),
        ("score", None),
        ("interest", "erp"),
        ("industry", "banking"),
    ]:
        assert not rule.matches(sql(1, **{**good, field: bad})), field


def test_weighted_round_robin_gives_each_rep_their_weight_share():
    reps = [member(1, weight=1), member(2, weight=2), member(3, weight=5)]
    router = Router([], [pool(members=reps, is_default=True)])
    got = Counter(d.owner_id for d in router.route_all(sql(i) for i in range(1, 8001)))
    assert got == {1: 1000, 2: 2000, 3: 5000}


def test_the_lowest_load_relative_to_weight_is_chosen_and_explained():
    reps = [member(1, weight=1, open=3), member(2, weight=2, open=4)]
    decision = Router([], [pool(members=reps, is_default=True)]).route(sql(1))
    # rep 1: (3+1)/1 = 4; rep 2: (4+1)/2 = 2.5
    assert decision.owner_id == 2
    assert decision.code == engine.ASSIGNED
    assert decision.params == {
        "routing_route": {"kind": "default", "pool": "P1"},
        "owner": "U2",
        "load": 4,
        "weight": 2,
    }


def test_capacity_is_never_exceeded_and_the_rest_wait():
    reps = [member(1, capacity=2, open=1), member(2, capacity=3)]
    decisions = Router([], [pool(members=reps, is_default=True)]).route_all(sql(i) for i in range(1, 7))
    got = Counter(d.owner_id for d in decisions)
    assert got == {1: 1, 2: 3, None: 2}
    waiting = [d for d in decisions if d.owner_id is None]
    assert {d.code for d in waiting} == {engine.WAITING}
    assert waiting[0].params["routing_why"] == {"members": 2, "away": 0, "hours": 0, "full": 2, "skill": 0}


def test_hot_leads_are_served_before_cold_ones_when_capacity_is_short():
    reps = [member(1, capacity=2)]
    leads = [sql(1, temperature="cold"), sql(2, temperature="hot"), sql(3, temperature="warm", score=10)]
    decisions = {
        d.lead_id: d.owner_id for d in Router([], [pool(members=reps, is_default=True)]).route_all(leads)
    }
    assert decisions == {2: 1, 3: 1, 1: None}


def test_unavailable_reps_are_skipped():
    reps = [member(1, unavailable="away"), member(2, unavailable="hours"), member(3)]
    decisions = Router([], [pool(members=reps, is_default=True)]).route_all(sql(i) for i in range(1, 4))
    assert {d.owner_id for d in decisions} == {3}


def test_a_rule_skill_limits_the_members():
    reps = [member(1), member(2, skills=["german"])]
    rule = RuleSpec.build(id=1, name="DACH", pool_id=1, languages=["de"], skill="German")
    router = Router([rule], [pool(members=reps)])
    assert {router.route(sql(i, language="de")).owner_id for i in range(5)} == {2}


def test_leads_not_sales_qualified_go_to_the_nurturing_owner():
    reps = [member(1)]
    router = Router([], [pool(members=reps, is_default=True)], nurturing_owner=(99, "Marta", None))
    nurtured = router.route(LeadFacts(id=1, stage="mql"))
    assert (nurtured.owner_id, nurtured.code, nurtured.team_id) == (99, engine.NURTURING, 10)
    assert router.route(LeadFacts(id=2, stage="sql")).owner_id == 1
    per_pool = Router(
        [],
        [pool(members=reps, is_default=True, nurturing_owner=(98, "Nina", 5))],
        nurturing_owner=(99, "Marta", None),
    )
    assert per_pool.route(LeadFacts(id=3, stage="suspect")).owner_id == 98


def test_a_lead_in_a_team_queue_stays_with_that_team():
    north, south = pool(1, 10, [member(1)]), pool(2, 20, [member(2)], is_default=True)
    router = Router([], [north, south])
    decision = router.route(sql(1, team_id=10))
    assert decision.owner_id == 1 and decision.params["routing_route"]["kind"] == "team"
    assert router.route(sql(2, team_id=77)) is None  # a team without a pool: left in its queue


def test_no_rule_and_no_default_pool_waits():
    decision = Router([], [pool(members=[member(1)])]).route(sql(1))
    assert decision.owner_id is None and decision.code == engine.NO_POOL


def test_schedule_out_of_office_and_working_hours():
    s = Schedule(
        away_from=dt.date(2026, 8, 3),
        away_until=dt.date(2026, 8, 14),
        work_start=dt.time(9),
        work_end=dt.time(18),
    )
    monday_10 = dt.datetime(2026, 7, 27, 10, 0)
    assert s.unavailable(monday_10) == ""
    assert s.unavailable(monday_10.replace(hour=8, minute=59)) == "hours"
    assert s.unavailable(monday_10.replace(hour=18)) == "hours"
    assert s.unavailable(dt.datetime(2026, 8, 1, 10)) == "hours"  # a Saturday
    assert s.unavailable(dt.datetime(2026, 8, 5, 10)) == "away"
    assert Schedule(away_from=dt.date(2026, 8, 3)).unavailable(dt.datetime(2027, 1, 1)) == "away"
    assert Schedule().unavailable(dt.datetime(2026, 8, 1, 3)) == ""  # no hours set: any time


def test_warnings_name_rules_that_can_never_match_or_be_reached():
    p = pool(1, members=[member(1)])
    empty = pool(2, members=[])
    rules = [
        RuleSpec.build(id=1, name="All", pool_id=1),
        RuleSpec.build(id=2, name="Late", pool_id=1, countries=["IT"]),
        RuleSpec.build(id=3, name="Odd", pool_id=1, min_score=80, max_score=20),
        RuleSpec.build(id=4, name="Skilled", pool_id=1, skill="french"),
    ]
    warnings = engine.warnings_for_rules(rules, [p, empty])
    assert warnings[1] == []
    assert warnings[2] == [("shadowed", {"rule": "All"})]
    assert ("score_range_empty", {}) in warnings[3]
    assert ("no_member_with_skill", {"skill": "french"}) in warnings[4]
    assert engine.warnings_for_rules([RuleSpec.build(id=5, name="E", pool_id=2)], [empty])[5] == [
        ("pool_empty", {"pool": "P2"})
    ]
    assert engine.warnings_for_pool(pool(members=[member(1, unavailable="away")])) == [
        ("nobody_available", {"pool": "P1"})
    ]
    assert engine.warnings_for_pool(pool(members=[member(1, capacity=1, open=1)])) == [
        ("all_full", {"pool": "P1"})
    ]
