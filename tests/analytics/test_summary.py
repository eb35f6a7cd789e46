"""The summary tables give the very figures the raw tables give: on the hand-made world, on random data
(every slice, several periods, every role), and after changes (events refresh them, the sweep catches
what no event announced). Their freshness is on the dashboard, in Italian and in English."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from imbuto.analytics import charts, kpis, summary
from imbuto.analytics.models import DealFact, LeadDay, SummaryState
from imbuto.analytics.periods import Period
from imbuto.analytics.slicing import BY
from imbuto.analytics.source_summary import SummarySource, spans
from imbuto.analytics.summary_leads import pack, unpack
from imbuto.deals.services import deal_move, deal_update
from imbuto.leads.services import lead_transition
from tests.analytics.random_world import random_world

pytestmark = pytest.mark.django_db
Q1 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
PERIODS = (
    Q1,
    Period(dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    Period(dt.date(2026, 1, 15), dt.date(2026, 3, 10)),  # edges read from day rows
    Period(dt.date(2026, 2, 11), dt.date(2026, 2, 11)),
    Period(dt.date(2025, 1, 1), dt.date(2026, 12, 31)),
)


def same_figures(user, period, by):
    """The summary source answers for `user` and gives what the live computation gives."""
    source = SummarySource.open(user, period)
    assert source is not None, "the summary tables should answer"
    fast = kpis.compute_with(source, user, period, by)
    live = kpis.compute(user, period, by, live=True)
    assert fast == live, [
        (f["slice_key"], name, f[name], g[name])
        for f, g in zip(fast, live, strict=False)
        for name in f
        if f[name] != g.get(name)
    ] or (user, period, by, len(fast), len(live))
    return fast


def test_response_minutes_are_stored_exactly_and_sorted():
    values = [3.0000000001, 0.0, 1e-9, 120.5, 7.25, 7.25]
    assert unpack(pack(values)) == sorted(values)
    assert unpack(None) == []


def test_before_the_first_rebuild_the_figures_are_live(world, admin):
    assert SummarySource.open(admin, Q1) is None
    assert summary.refresh_leads([world["lead"]["l1"].pk]) == {"days": 0, "deal_facts": 0}
    assert not LeadDay.objects.exists()
    assert kpis.source_for(admin, Q1).name == "live"
    assert "built" in summary.sweep()  # the first periodic sweep builds the tables
    assert kpis.source_for(admin, Q1).name == "summary"


@pytest.mark.parametrize("by", [None, *BY])
def test_summary_figures_equal_the_live_ones_on_the_hand_made_world(
    world, admin, manager, rep, other_rep, marketer, by
):
    built = summary.rebuild()
    assert built["day_rows"] and built["month_rows"] and built["deal_facts"] == 16  # 8 whole, 8 by product
    for user in (None, admin, manager, rep, other_rep, marketer):
        for period in PERIODS:
            same_figures(user, period, by)
    [whole] = same_figures(admin, Q1, None) if by is None else [None]
    if whole:  # the hand-computed figures of test_kpis, read from the summary tables
        assert (whole["leads_in"], whole["won_amount"], whole["response_minutes_p90"]) == (4, 6000, 102)


def test_summary_figures_equal_the_live_ones_on_random_data(admin, manager, rep, marketer, other_rep):
    random_world(seed=14, leads=400, reps=(rep, other_rep, manager))
    summary.rebuild()
    for by in (None, *BY):
        for user in (None, admin, manager, rep, marketer):
            for period in PERIODS:
                same_figures(user, period, by)


def test_the_trend_chart_reads_the_same_months(world, admin, rep):
    last = dt.date(2026, 3, 31)
    live = {user: charts.trend(user, last) for user in (admin, rep)}
    summary.rebuild()
    assert SummarySource.open(admin, Q1) is not None
    for user, months in live.items():
        assert charts.trend(user, last) == months
    assert [m["leads_in"] for m in live[admin]] == [0, 0, 1, 1, 2, 1]


def test_events_keep_the_summary_current(
    world, admin, rep, tasks_immediate, django_capture_on_commit_callbacks
):
    summary.rebuild()
    lead = world["lead"]["l2"]
    with django_capture_on_commit_callbacks(execute=True):
        lead_transition(actor=admin, lead=lead, to="opportunity")
    [k] = same_figures(admin, Q1, None)
    assert k["funnel_cohort"]["opportunity"] == 2 and k["funnel_flow"]["opportunity"] == 0  # moved today
    today = dt.date.today()
    this_month = Period(today.replace(day=1), today)
    assert same_figures(admin, this_month, None)[0]["funnel_flow"]["opportunity"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        deal_move(actor=admin, deal=world["deals"][4], stage="won", amount=Decimal("12000.50"))  # D5
    [k] = same_figures(admin, this_month, None)
    assert (k["won_count"], k["won_amount"], k["pipeline_value"]) == (1, 12000.5, 4000)
    for by in BY:
        same_figures(rep, this_month, by)


def test_the_sweep_catches_a_change_without_an_event(world, admin, tasks_immediate):
    summary.rebuild()
    deal = world["deals"][5]  # D6, open, 4000 at 25 %
    deal_update(actor=admin, deal=deal, values={"amount": Decimal(8000)})  # no event
    stale = kpis.compute(admin, Q1)[0]["pipeline_value"]
    assert stale == 14000
    assert summary.sweep()["deals"] >= 1
    [k] = same_figures(admin, Q1, None)
    assert k["pipeline_value"] == 18000
    st = SummaryState.objects.get()
    assert st.swept_to > st.built_at


def test_a_rebuild_replaces_every_row(world):
    summary.rebuild()
    counts = (LeadDay.objects.count(), DealFact.objects.count())
    summary.rebuild()
    assert (LeadDay.objects.count(), DealFact.objects.count()) == counts
    whole = LeadDay.objects.get(grain="m", day=dt.date(2026, 1, 1), dim="all", everyone=True)
    assert unpack(whole.response_minutes) == [3.0]  # l1, contacted after 3 minutes
    assert DealFact.objects.filter(per_product=False).count() == 8
    assert DealFact.objects.filter(per_product=True, product_id=world["gear"].pk).get().lines == 2


def test_a_quarter_reads_month_rows_and_a_broken_period_day_rows_at_its_edges():
    assert spans(Q1) == ([dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)], [])
    assert spans(Period(dt.date(2026, 1, 15), dt.date(2026, 3, 10))) == (
        [dt.date(2026, 2, 1)],
        [(dt.date(2026, 1, 15), dt.date(2026, 1, 31)), (dt.date(2026, 3, 1), dt.date(2026, 3, 10))],
    )
    assert spans(Period(dt.date(2026, 2, 3), dt.date(2026, 2, 20))) == (
        [], [(dt.date(2026, 2, 3), dt.date(2026, 2, 20))]
    )


def test_the_dashboard_says_how_fresh_its_figures_are(client, world, admin):
    client.force_login(admin)
    url = "/dashboard/?from=2026-01-01&to=2026-03-31&by=rep"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-source="live"' in page
    summary.rebuild()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-source="summary"' in page and "Figures from the summary tables, complete up to" in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Cifre dalle tabelle di riepilogo, complete fino a" in page


def test_the_api_says_where_the_figures_come_from(api_as, world, admin):
    api = api_as(admin)
    body = api.get("/api/v1/analytics/kpis", period="2026-Q1").json()
    assert body["source"] == "live" and body["figures_as_of"]
    summary.rebuild()
    body = api.get("/api/v1/analytics/kpis", period="2026-Q1").json()
    assert body["source"] == "summary" and body["summary_built_at"]
    assert body["slices"][0]["leads_in"] == 4
