"""The nightly decay from stored sums (issue 11, scale): LeadScore keeps each lead's decayed event count
per engagement rule as of a time T; on PostgreSQL `rescore_all` carries them forward
(0.5 ** (days since T / half-life)) instead of reading the events, and must give every lead the total the
computation from its events gives. Whatever computes a lead from its events stores the sums."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imbuto.intake.models import EngagementEvent
from imbuto.leads.models import Lead
from imbuto.scoring import compute, services
from imbuto.scoring.models import LeadScore
from tests.factories import LeadFactory

from .conftest import NOW, engage
from .test_set_based import _per_lead, _world

pytestmark = pytest.mark.django_db
EVENTS = EngagementEvent._meta.db_table
DAY = dt.timedelta(days=1)


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the nightly decay from stored sums is PostgreSQL's; SQLite reads the events")


def _events_read() -> int:
    """Rows of the events table this transaction has read so far (PostgreSQL's own counters)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
            " WHERE relname = %s",
            [EVENTS],
        )
        return int(cursor.fetchone()[0])


def _nightly(now: dt.datetime) -> tuple[services.RescoreReport, int, list[str]]:
    """rescore_all at `now`: the report, the event rows it read, the statements naming the events."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the guards' few rows through the primary key
    before = _events_read()
    with CaptureQueriesContext(connection) as queries:
        report = services.rescore_all(now=now)
    statements = [q["sql"] for q in queries.captured_queries if EVENTS in q["sql"]]
    return report, _events_read() - before, statements


def _assert_as_computed_from_events(lead_ids: list[int], now: dt.datetime) -> None:
    expected = _per_lead(lead_ids, now)
    assert dict(Lead.objects.filter(pk__in=lead_ids).values_list("pk", "score")) == {
        pk: r.total for pk, r in expected.items()
    }


@pytest.mark.parametrize("seed", [11, 2026])
def test_the_nightly_decay_from_stored_sums_equals_the_events_lead_by_lead(make_rule, seed):
    postgres_only()
    leads = _world(random.Random(seed), make_rule)
    live = [lead.pk for lead in leads[:-1]]
    services.rescore_all(now=NOW)  # every lead computed from its events: the sums stored
    assert LeadScore.objects.filter(lead_id__in=live, engagement_as_of=NOW).count() > 40
    assert sum(1 for sums in LeadScore.objects.values_list("decayed", flat=True) if any(sums)) > 30
    without_events = 0
    for now in (NOW + 4 * DAY, NOW + 9 * DAY + dt.timedelta(hours=5), NOW + 61 * DAY):
        # leads with an event dated after their sums' time (the world has some up to 3 days ahead)
        unusable = list(
            LeadScore.objects.filter(engagement_as_of__isnull=True).values_list("lead_id", flat=True)
        )
        report, read, statements = _nightly(now)
        assert report.scored == len(live)
        _assert_as_computed_from_events(live, now)
        assert Lead.objects.get(pk=leads[-1].pk).score is None  # merged: never scored
        if unusable:
            assert 1 < read <= 1 + EngagementEvent.objects.filter(lead_id__in=list(unusable)).count()
            continue
        # the events are not read: only the last id (the guard's bound) and the events after it (none)
        assert read <= 1, statements
        assert all("GROUP BY" not in sql and "occurred_at" not in sql for sql in statements)
        without_events += 1
    assert without_events == 2
    assert report.changed > 0  # decay moved totals: the comparison says something
    assert services.rescore_all(now=now).changed == 0  # idempotent


def test_a_rule_change_falls_back_to_the_events(make_rule, marketer):
    postgres_only()
    rule = make_rule(kind="engagement", event_kind="like", points=4, half_life_days=7, cap=30)
    make_rule(kind="fit", attribute="country", values=["IT"], points=5)
    leads = [LeadFactory(country=c) for c in ("IT", "FR", "IT")]
    for days in (0, 2, 5, 20):
        engage(leads[0], "like", NOW - days * DAY)
        engage(leads[1], "like", NOW - days * 3 * DAY)
    ids = [lead.pk for lead in leads]
    services.rescore_all(now=NOW)
    old_key = set(LeadScore.objects.values_list("rules_key", flat=True))

    services.rule_update(actor=marketer, rule_id=rule.pk, data={"half_life_days": 30})
    report, read, _ = _nightly(NOW + 3 * DAY)
    assert read > 0  # another half-life: the stored sums say nothing, the events are read
    _assert_as_computed_from_events(ids, NOW + 3 * DAY)
    assert set(LeadScore.objects.values_list("rules_key", flat=True)).isdisjoint(old_key)
    assert report.scored == 3

    # points and caps are applied to the stored sums as they are now: no need for the events
    services.rule_update(actor=marketer, rule_id=rule.pk, data={"points": 9, "cap": 12})
    _, read, _ = _nightly(NOW + 5 * DAY)
    assert read <= 1
    _assert_as_computed_from_events(ids, NOW + 5 * DAY)

    # a fit rule changed: the stored fit says nothing either
    fit = make_rule(kind="fit", attribute="country", values=["FR"], points=11)
    _, read, _ = _nightly(NOW + 6 * DAY)
    assert read > 0
    _assert_as_computed_from_events(ids, NOW + 6 * DAY)
    assert LeadScore.objects.get(lead_id=leads[1].pk).fit == fit.points


def test_an_event_arriving_after_the_sums_is_counted(make_rule):
    postgres_only()
    make_rule(kind="engagement", event_kind="like", points=3, half_life_days=10)
    make_rule(kind="engagement", event_kind="form_submit", points=20, half_life_days=90, cap=40)
    lead, other = LeadFactory(), LeadFactory()
    engage(lead, "like", NOW - 4 * DAY)
    engage(other, "like", NOW - 4 * DAY)
    services.rescore_all(now=NOW)
    # later: a new event, and one dated before the stored sums' time (late, back-dated)
    engage(lead, "form_submit", NOW + 2 * DAY)
    engage(other, "like", NOW - 30 * DAY)
    services.rescore([lead.pk, other.pk], now=NOW + 2 * DAY)  # what the events' own task does
    assert set(LeadScore.objects.values_list("engagement_as_of", flat=True)) == {NOW + 2 * DAY}
    _, read, _ = _nightly(NOW + 12 * DAY)
    assert read <= 1
    _assert_as_computed_from_events([lead.pk, other.pk], NOW + 12 * DAY)


def test_an_event_dated_after_the_computation_sends_the_lead_to_the_events(make_rule):
    postgres_only()
    make_rule(kind="engagement", event_kind="like", points=8, half_life_days=2)
    lead = LeadFactory()
    engage(lead, "like", NOW + 3 * DAY)  # a clock ahead: counted whole until its time comes
    services.rescore_all(now=NOW)
    assert LeadScore.objects.get(lead_id=lead.pk).engagement_as_of is None  # not usable
    for now in (NOW + DAY, NOW + 5 * DAY, NOW + 9 * DAY):
        services.rescore_all(now=now)
        _assert_as_computed_from_events([lead.pk], now)
    assert LeadScore.objects.get(lead_id=lead.pk).engagement_as_of == NOW + 5 * DAY


def test_sums_decayed_past_any_float_do_not_fail_the_nightly_run(make_rule):
    """0.5 ** (3 years / half a day) is below the smallest double: PostgreSQL raises on underflow,
    so the carried sum is taken as zero first."""
    postgres_only()
    make_rule(kind="engagement", event_kind="like", points=5, half_life_days=0.5)
    make_rule(kind="fit", attribute="country", values=["IT"], points=2)
    lead = LeadFactory(country="IT")
    engage(lead, "like", NOW)
    services.rescore_all(now=NOW)
    assert Lead.objects.get(pk=lead.pk).score == 7
    services.rescore_all(now=NOW + 3 * 365 * DAY)
    assert Lead.objects.get(pk=lead.pk).score == 2


def test_every_computation_from_events_stores_the_sums_even_when_the_total_stays(make_rule):
    """Both engines: a late event too small to move the total still changes the lead's decayed sum; the
    stored sums must have it (or the nightly decay would carry a sum without it)."""
    make_rule(kind="engagement", event_kind="like", points=1, half_life_days=30)
    lead = LeadFactory()
    engage(lead, "like", NOW)
    services.rescore([lead.pk], now=NOW)
    stored = LeadScore.objects.get(lead_id=lead.pk)
    assert (stored.total, stored.decayed, stored.engagement_as_of) == (1, [1.0], NOW)
    assert stored.rules_key == compute.rules_key(compute.active_rules())

    engage(lead, "like", NOW - 300 * DAY)  # 0.5 ** 10 of a point: the total stays 1
    report = services.rescore([lead.pk], now=NOW + DAY)
    stored.refresh_from_db()
    assert (report.changed, stored.total, stored.engagement_as_of) == (0, 1, NOW + DAY)
    expected = 0.5 ** (1 / 30) + 0.5 ** (301 / 30)
    assert stored.decayed[0] == pytest.approx(expected, rel=1e-12)

    # nothing new: the stored sums carried forward are the computed ones, nothing is written
    before = LeadScore.objects.values_list("computed_at", flat=True).get(lead_id=lead.pk)
    services.rescore([lead.pk], now=NOW + 2 * DAY)
    assert LeadScore.objects.values_list("computed_at", flat=True).get(lead_id=lead.pk) == before


def test_the_nightly_run_from_sums_leaves_a_lead_changed_meanwhile_to_its_own_rescore(make_rule, monkeypatch):
    """As from the events: a lead edited or given an event after the computation began keeps its score
    (and its stored sums) for its own rescore task, which sees the change."""
    postgres_only()
    from django.utils import timezone

    from imbuto.scoring import sqlpath

    make_rule(kind="engagement", event_kind="like", points=10, half_life_days=1)
    edited, engaged, quiet = (LeadFactory() for _ in range(3))
    for lead in (edited, engaged, quiet):
        engage(lead, "like", NOW)
    services.rescore_all(now=NOW)
    assert set(Lead.objects.values_list("score", flat=True)) == {10}
    from_sums = sqlpath._from_sums

    def meanwhile(*args, **kwargs):  # people work while the run computes
        found = from_sums(*args, **kwargs)
        Lead.objects.filter(pk=edited.pk).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
        engage(engaged, "like", NOW + DAY)
        return found

    monkeypatch.setattr(sqlpath, "_from_sums", meanwhile)
    report = services.rescore_all(now=NOW + DAY)
    assert dict(Lead.objects.values_list("pk", "score")) == {edited.pk: 10, engaged.pk: 10, quiet.pk: 5}
    assert report.changed == 1
    services.rescore([edited.pk, engaged.pk], now=NOW + DAY)  # what their own tasks do
    assert dict(Lead.objects.values_list("pk", "score")) == {edited.pk: 5, engaged.pk: 15, quiet.pk: 5}
    # later nights: the edit is in the past, the sums the tasks stored carry the new event
    monkeypatch.setattr(sqlpath, "_from_sums", from_sums)
    Lead.objects.filter(pk=edited.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=1))
    services.rescore_all(now=NOW + 3 * DAY)
    _assert_as_computed_from_events([edited.pk, engaged.pk, quiet.pk], NOW + 3 * DAY)
    assert Lead.objects.get(pk=engaged.pk).score == 4  # 10 x (0.5 ** 3 + 0.5 ** 2)
