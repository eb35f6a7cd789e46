"""On PostgreSQL a batch is rescored in one SQL statement (scoring.sqlpath); it must give every lead the
score the Python path (scoring.compute, which also explains a lead) gives, rule by rule."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q

from imbuto.leads.models import Lead
from imbuto.scoring import compute, services, sqlpath
from imbuto.scoring.models import LeadScore
from tests.factories import CampaignFactory, LeadFactory

from .conftest import NOW, engage

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement rescore is PostgreSQL's")


def test_the_sql_statement_and_the_python_path_agree_lead_by_lead(make_rule):
    spring = CampaignFactory(name="Spring Fair")
    for data in (
        {"attribute": "country", "values": ["it", "DE"], "points": 10},
        {"attribute": "industry", "values": ["Manufacturing"], "points": 12},
        {"attribute": "job_title", "values": ["director", "ceo"], "points": 20},
        {"attribute": "size_band", "values": ["50-249"], "points": 15},
        {"attribute": "has_vat_id", "points": 8},
        {"attribute": "consent", "points": 3},
        {"attribute": "channel", "values": ["webinar"], "points": 4},
        {"attribute": "campaign", "values": ["spring fair"], "points": 6},
        {"attribute": "temperature", "values": ["hot"], "points": -5},
    ):
        make_rule(kind="fit", **data)
    make_rule(kind="engagement", event_kind="content_view", points=3, half_life_days=10, cap=10)
    make_rule(kind="engagement", event_kind="email_click", points=-2, cap=5)
    make_rule(kind="engagement", event_kind="webinar_attended", points=15, half_life_days=45)
    from imbuto.leads.models import Channel

    webinar = Channel.objects.get(slug="webinar")
    leads = [
        LeadFactory(
            country="it",
            industry="manufacturing ",
            job_title="Sales Director",
            size_band="50-249",
            vat_id="IT01234567890",
            consent_basis="consent",
            channel=webinar,
            campaign=spring,
        ),
        LeadFactory(country="FR", vat_id="IT0", quality_flags={"vat_id": "invalid"}, temperature="hot"),
        LeadFactory(country="", job_title="", industry=""),
        LeadFactory(country="de", job_title="CEO"),
    ]
    for days in (0, 3, 12, 40):
        engage(leads[0], "content_view", NOW - dt.timedelta(days=days))
        engage(leads[1], "webinar_attended", NOW - dt.timedelta(days=days * 2))
    for _ in range(4):
        engage(leads[3], "email_click", NOW)
    ids = [lead.pk for lead in leads]
    rules = compute.active_rules()
    expected = {
        r.lead_id: r.total for r in compute.compute_for(Q(pk__in=ids), Q(lead_id__in=ids), rules, NOW)
    }
    assert sqlpath.rescore(Q(pk__in=ids), Q(lead_id__in=ids), rules, NOW) == (4, 4)
    assert dict(Lead.objects.filter(pk__in=ids).values_list("pk", "score")) == expected
    assert dict(LeadScore.objects.filter(lead_id__in=ids).values_list("lead_id", "total")) == expected
    assert len(set(expected.values())) > 2  # the leads differ: the comparison says something
    assert sqlpath.rescore(Q(pk__in=ids), Q(lead_id__in=ids), rules, NOW) == (4, 0)


def test_the_nightly_run_on_postgresql_moves_leads_over_thresholds(make_rule, marketer):
    make_rule(kind="fit", attribute="industry", values=["retail"], points=30)
    services.thresholds_set(actor=marketer, data={"mql_threshold": 25, "sql_threshold": 60})
    lead, other = LeadFactory(industry="retail"), LeadFactory()
    report = services.rescore_all(now=NOW)
    assert report.moved == {lead.pk: "mql"} and report.scored == 2
    assert Lead.objects.get(pk=other.pk).stage == "suspect"


def test_the_lead_table_keeps_room_for_the_nightly_score_updates():
    """fillfactor 85 (scoring migration 0002): a rewritten score fits in its page, so PostgreSQL updates
    it without touching the lead table's indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [Lead._meta.db_table])
        assert "fillfactor=85" in (cursor.fetchone()[0] or [])
