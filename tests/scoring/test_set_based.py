"""The set-based rescores (every lead: `rescore_all`, the nightly decay; a batch of ids: `rescore`) give
each lead the total the per-lead computation gives (scoring.compute for that lead alone, which is what
its explanation shows), on random leads, events and rules. PostgreSQL runs them as a few statements over
the whole tables (scoring.sqlpath), SQLite through the Python path in ranges."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db.models import Q

from imbuto.intake.models import EngagementEvent
from imbuto.leads.models import Campaign, Channel, Lead
from imbuto.scoring import compute, services
from imbuto.scoring.models import LeadScore
from tests.factories import CampaignFactory, LeadFactory

from .conftest import NOW

pytestmark = pytest.mark.django_db
KINDS = ["content_view", "email_open", "email_click", "webinar_attended", "like", "form_submit", "share"]
TITLES = ["CEO", " sales director", "Head of IT", "Engineer", "STUDENT", "", "Chief Executive Officer"]


def _rules(rng: random.Random, make_rule, campaigns: list[str], channels: list[str]) -> None:
    fit = [
        {"attribute": "country", "values": rng.sample(["IT", "de", "FR", "AT"], 2)},
        {"attribute": "industry", "values": [rng.choice(["Manufacturing", "retail"])]},
        {"attribute": "job_title", "values": rng.sample(["ceo", "director", "head", "student"], 2)},
        {"attribute": "size_band", "values": rng.sample(["1-9", "10-49", "50-249", "250+"], 2)},
        {"attribute": "region", "values": ["Lombardia", "veneto"]},
        {"attribute": "language", "values": [rng.choice(["it", "en"])]},
        {"attribute": "temperature", "values": [rng.choice(["hot", "warm", "cold"])]},
        {"attribute": "has_vat_id"},
        {"attribute": "consent"},
        {"attribute": "channel", "values": rng.sample(channels, 1)},
        {"attribute": "campaign", "values": [rng.choice(campaigns).upper()]},
    ]
    for data in rng.sample(fit, 8):
        make_rule(kind="fit", points=rng.choice([-30, -5, 3, 8, 12, 20]), **data)
    for kind in rng.sample(KINDS, 5):
        make_rule(
            kind="engagement",
            event_kind=kind,
            points=rng.choice([-3, 1, 2, 5, 15]),
            cap=rng.choice([None, 5, 20, 45]),
            half_life_days=rng.choice([None, 0.5, 7, 30, 90]),
        )


def _world(rng: random.Random, make_rule) -> list[Lead]:
    campaigns = [CampaignFactory(name=name).name for name in ("Spring Fair", "Autumn Webinar")]
    channels = list(Channel.objects.values_list("slug", flat=True)[:3])
    _rules(rng, make_rule, campaigns, channels)
    by_slug = {c.slug: c for c in Channel.objects.filter(slug__in=channels)}
    campaign_rows = list(Campaign.objects.all())
    leads = []
    for _ in range(60):
        leads.append(
            LeadFactory(
                country=rng.choice(["IT", "it ", "DE", "FR", "AT", ""]),
                industry=rng.choice(["manufacturing", " Retail", "software", ""]),
                job_title=rng.choice(TITLES),
                size_band=rng.choice(["1-9", "10-49", "50-249", "250+", ""]),
                region=rng.choice(["Lombardia", "VENETO", "Lazio", ""]),
                language=rng.choice(["it", "en", "de", ""]),
                temperature=rng.choice(["hot", "warm", "cold"]),
                vat_id=rng.choice(["", "IT01234567890"]),
                quality_flags=rng.choice([{}, {"vat_id": "invalid"}]),
                consent_basis=rng.choice(["", "consent"]),
                channel=rng.choice([None, *by_slug.values()]),
                campaign=rng.choice([None, *campaign_rows]),
            )
        )
    leads.append(LeadFactory(country="IT", merged_into=leads[0]))  # merged: never scored
    events = [
        EngagementEvent(
            lead=rng.choice(leads[:50]),  # ten leads without any engagement
            kind=rng.choice(KINDS),
            occurred_at=NOW - dt.timedelta(seconds=rng.randint(-3 * 86400, 200 * 86400)),  # some ahead
            received_at=NOW,
        )
        for _ in range(400)
    ]
    EngagementEvent.objects.bulk_create(events)
    return leads


def _per_lead(lead_ids: list[int], now: dt.datetime) -> dict[int, compute.Result]:
    rules = compute.active_rules()
    out = {}
    for pk in lead_ids:
        [result] = compute.compute_for(Q(pk=pk), Q(lead_id=pk), rules, now)
        out[pk] = result
    return out


@pytest.mark.parametrize("seed", [11, 2026, 90210])
def test_rescoring_every_lead_gives_each_the_per_lead_total(make_rule, seed):
    rng = random.Random(seed)
    leads = _world(rng, make_rule)
    merged, live = leads[-1], [lead.pk for lead in leads[:-1]]
    for step, now in enumerate((NOW, NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=9, hours=5))):
        report = services.rescore_all(now=now)
        expected = _per_lead(live, now)
        assert report.scored == len(live)
        assert dict(Lead.objects.filter(pk__in=live).values_list("pk", "score")) == {
            pk: r.total for pk, r in expected.items()
        }
        # LeadScore keeps the parts of the lead's last computation from its events, at `computed_at`
        # (the nightly decay from the stored sums writes only the lead's total): the fit never moves
        # here, so it is the current one.
        rows = LeadScore.objects.values_list("lead_id", "fit", "engagement", "total", "computed_at")
        stored = {row[0]: row[1:] for row in rows}
        assert set(stored) == set(expected)
        assert {pk: row[0] for pk, row in stored.items()} == {pk: r.fit for pk, r in expected.items()}
        for at in {row[3] for row in stored.values()}:
            leads_at = [pk for pk, row in stored.items() if row[3] == at]
            then = _per_lead(leads_at, at)
            assert {pk: stored[pk][:3] for pk in leads_at} == {
                pk: (r.fit, round(r.engagement), r.total) for pk, r in then.items()
            }
        assert Lead.objects.get(pk=merged.pk).score is None
        if step == 0:
            assert len({r.total for r in expected.values()}) > 10  # the data says something
            assert report.changed == len(live)
        assert services.rescore_all(now=now).changed == 0  # idempotent


@pytest.mark.parametrize("seed", [7, 4242])
def test_rescoring_a_batch_of_ids_gives_each_the_per_lead_total(make_rule, seed):
    rng = random.Random(seed)
    leads = _world(rng, make_rule)
    chosen = [lead.pk for lead in rng.sample(leads[:-1], 25)]
    now = NOW + dt.timedelta(days=rng.randint(0, 30))
    report = services.rescore(chosen, now=now)
    expected = _per_lead(chosen, now)
    assert report.scored == 25
    assert dict(Lead.objects.filter(pk__in=chosen).values_list("pk", "score")) == {
        pk: r.total for pk, r in expected.items()
    }
    others = Lead.objects.exclude(pk__in=chosen).values_list("score", flat=True)
    assert set(others) == {None}  # nobody else touched


def test_a_total_exactly_half_way_rounds_to_even_on_both_paths(make_rule):
    """Half of 5 points (an event one half-life old) is 2.5: Python's round and PostgreSQL's round of a
    double both give 2 (ties to even), and 3.5 gives 4, so neither path disagrees with the other."""
    make_rule(kind="engagement", event_kind="like", points=5, half_life_days=7)
    make_rule(kind="fit", attribute="country", values=["IT"], points=1)
    even, odd = LeadFactory(country="FR"), LeadFactory(country="IT")
    for lead in (even, odd):
        EngagementEvent.objects.create(
            lead=lead, kind="like", occurred_at=NOW - dt.timedelta(days=7), received_at=NOW
        )
    services.rescore_all(now=NOW)
    assert dict(Lead.objects.values_list("pk", "score")) == {even.pk: 2, odd.pk: 4}
    assert {pk: r.total for pk, r in _per_lead([even.pk, odd.pk], NOW).items()} == {even.pk: 2, odd.pk: 4}


def test_the_whole_table_run_leaves_a_lead_changed_meanwhile_to_its_own_rescore(make_rule, monkeypatch):
    """PostgreSQL writes the changed scores after computing them all; a lead edited or given an event
    after the computation began keeps its score for its own rescore task (enqueued by that change)."""
    from django.db import connection
    from django.utils import timezone

    from imbuto.scoring import sqlpath

    if connection.vendor != "postgresql":
        pytest.skip("the whole-table run is PostgreSQL's; SQLite computes and writes range by range")
    make_rule(kind="fit", attribute="country", values=["IT"], points=7)
    make_rule(kind="engagement", event_kind="like", points=2)
    edited, engaged, quiet = (LeadFactory(country="IT") for _ in range(3))
    compute_changed = sqlpath._compute_changed

    def meanwhile(*args, **kwargs):  # people work while the run computes
        found = compute_changed(*args, **kwargs)
        Lead.objects.filter(pk=edited.pk).update(updated_at=timezone.now() + dt.timedelta(seconds=1))
        EngagementEvent.objects.create(lead=engaged, kind="like", occurred_at=NOW, received_at=NOW)
        return found

    monkeypatch.setattr(sqlpath, "_compute_changed", meanwhile)
    monkeypatch.setattr(sqlpath, "STALE_WHOLE", 0)  # the pass over every event, as after a rule change
    report = services.rescore_all(now=NOW)

    assert dict(Lead.objects.values_list("pk", "score")) == {edited.pk: None, engaged.pk: None, quiet.pk: 7}
    assert report.changed == 1 and report.scored == 3
    services.rescore([edited.pk, engaged.pk], now=NOW)  # what their own tasks do
    assert dict(Lead.objects.values_list("pk", "score")) == {edited.pk: 7, engaged.pk: 9, quiet.pk: 7}
