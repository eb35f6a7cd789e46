"""Each KPI against figures computed by hand from tests/analytics/conftest.py's world (2026-Q1),
an empty period and the zero divisions (null, never an error)."""

from __future__ import annotations

import datetime as dt

import pytest

from imbuto.analytics import formulas as m
from imbuto.analytics import kpis
from imbuto.analytics.periods import Period, parse_period

Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
pytestmark = pytest.mark.django_db


def test_every_kpi_of_the_quarter_as_computed_by_hand(world, admin):
    [k] = kpis.compute(admin, Q1)
    assert (k["slice_by"], k["slice_key"], k["period_from"]) == ("all", None, "2026-01-01")
    assert k["leads_in"] == 4
    assert k["leads_by_channel"] == {"web-form": 3, "email-campaign": 1}
    assert k["leads_by_campaign"] == {"Spring": 1}
    # cohort: l1 customer (all six), l2 sql (four), l3 discarded from "lead" (two), l4 suspect (one)
    assert k["funnel_cohort"] == {
        "suspect": 4,
        "lead": 3,
        "mql": 2,
        "sql": 2,
        "opportunity": 1,
        "customer": 1,
    }
    assert k["conversion_cohort"] == {
        "suspect_to_lead": 0.75,
        "lead_to_mql": 0.6667,
        "mql_to_sql": 1.0,
        "sql_to_opportunity": 0.5,
        "opportunity_to_customer": 1.0,
    }
    # flow: the moves of the quarter (l0's move was in December)
    assert k["funnel_flow"]["customer"] == 1 and k["funnel_flow"]["discarded"] == 1
    assert k["funnel_flow"]["lead"] == 0
    assert k["conversion_flow"]["suspect_to_lead"] is None  # nothing entered suspect: no division
    assert k["exits"] == {"discarded": {"spam": 1}, "parked": {}}
    # response: 3, 30 and 120 minutes of 4 leads; p90 = 30 + 0.8 * 90
    assert (k["response_minutes_median"], k["response_minutes_p90"]) == (30, 102)
    assert (k["contacted_within_5m"], k["contacted_within_1h"], k["contacted_within_24h"]) == (
        0.25,
        0.5,
        0.75,
    )
    assert (k["sla_on_time"], k["sla_late"], k["sla_attainment"]) == (1, 2, 0.3333)
    # deals closed in the quarter: D1 1000, D2 3000, D4 2000 won; D3 lost
    assert (k["won_count"], k["won_amount"], k["lost_count"], k["win_rate"]) == (3, 6000, 1, 0.75)
    assert (k["avg_ticket_mean"], k["avg_ticket_median"]) == (2000, 2000)
    assert (k["cycle_days_from_lead_median"], k["cycle_days_from_lead_p80"]) == (23, 27.8)
    assert (k["cycle_days_from_deal_median"], k["cycle_days_from_deal_p80"]) == (10, 22)
    # open now: D5 10000 at its stage's 50 %, D6 4000 at its own 25 %
    assert (k["pipeline_count"], k["pipeline_value"], k["pipeline_weighted"]) == (2, 14000, 6000)
    assert k["forecast"][1]["weighted"] == 6000 and k["forecast"][0]["weighted"] == 0
    assert k["forecast"][1]["predicted"] is None  # no model trained
    assert k["pipeline_velocity"] == 300  # 2 x 0.75 x 2000 / 10 days
    # Q4 customers A1 and A3; A1 bought again
    assert (k["customers_previous"], k["customers_retained"], k["retention_rate"], k["churn_rate"]) == (
        2,
        1,
        0.5,
        0.5,
    )
    assert (k["campaign_cost"], k["cost_per_lead"], k["source_roi"]) == (1000, 1000, 3.0)
    # team targets: North's quarter 8000/3 and South's January 1000
    assert (k["target_amount"], k["target_count"]) == (9000, 3)
    assert (k["attainment_amount"], k["attainment_count"], k["gap_amount"], k["gap_count"]) == (
        0.6667,
        1.0,
        3000,
        0,
    )


def test_slices_and_what_each_role_sees(world, admin, rep, other_rep):
    by_rep = {k["slice_key"]: k for k in kpis.compute(admin, Q1, "rep")}
    rita, remo = by_rep[rep.pk], by_rep[other_rep.pk]
    assert (rita["leads_in"], rita["won_count"], rita["won_amount"], rita["win_rate"]) == (2, 2, 4000, 1.0)
    assert (remo["leads_in"], remo["won_count"], remo["lost_count"], remo["win_rate"]) == (2, 1, 1, 0.5)
    assert (rita["target_amount"], rita["attainment_amount"], rita["gap_amount"]) == (2000, 2.0, 0)
    assert remo["target_amount"] is None and remo["attainment_amount"] is None
    assert rita["campaign_cost"] is None  # campaign costs do not split by rep
    by_product = kpis.compute(admin, Q1, "product")
    gear = next(k for k in by_product if k["slice_key"] == world["gear"].pk)
    assert (gear["won_count"], gear["won_amount"], gear["leads_in"]) == (1, 1000, None)  # two lines, one deal
    by_country = {k["slice_key"]: k["leads_in"] for k in kpis.compute(admin, Q1, "country") if k["leads_in"]}
    assert by_country == {"IT": 3, "DE": 1}
    by_campaign = {k["slice_label"]: k for k in kpis.compute(admin, Q1, "campaign")}
    assert by_campaign["Spring"]["source_roi"] == 3.0 and by_campaign["Spring"]["leads_in"] == 1
    # a rep sees only their own leads and deals
    [mine] = kpis.compute(rep, Q1)
    assert (mine["leads_in"], mine["won_count"], mine["won_amount"], mine["pipeline_count"]) == (
        2,
        2,
        4000,
        1,
    )


def test_an_empty_period_gives_zeros_and_nulls(world, admin):
    [k] = kpis.compute(admin, parse_period("2031-Q1"))
    assert (k["leads_in"], k["won_count"], k["won_amount"]) == (0, 0, 0)
    for name in (
        "win_rate",
        "avg_ticket_mean",
        "avg_ticket_median",
        "cycle_days_from_lead_median",
        "response_minutes_median",
        "contacted_within_5m",
        "sla_attainment",
        "retention_rate",
        "churn_rate",
        "cost_per_lead",
        "source_roi",
        "target_amount",
        "attainment_amount",
        "pipeline_velocity",
    ):
        assert k[name] is None, name
    assert k["conversion_cohort"]["suspect_to_lead"] is None
    header, rows = kpis.table([k])
    assert len(rows) == 1 and "funnel_cohort.suspect" in header


@pytest.mark.one_database
def test_the_plain_arithmetic():
    assert m.ratio(1, 0) is None and m.ratio(None, 3) is None and m.ratio(1, 3) == 0.3333
    assert m.percentile([], 50) is None and m.median([5]) == 5 and m.percentile([1, 2, 3, 4], 80) == 3.4
    assert m.velocity(3, None, 10, 5) is None and m.velocity(3, 0.5, 10, 0) is None
    assert parse_period("2026-q3") == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert parse_period("2026-02").end == dt.date(2026, 2, 28)
    assert Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)).previous().start == dt.date(2025, 10, 3)
