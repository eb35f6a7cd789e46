"""A small hand-made world for the KPI tests: 2026-Q1 (and 2025-Q4 before it), two reps in two teams,
five leads, eight deals, three response clocks, targets. Every expected figure in the tests is
computed by hand from what is written here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from imbuto.analytics.models import Target
from imbuto.core.models import HistoryEntry
from imbuto.deals.models import Deal, DealLine, Pipeline, PipelineStage, Product
from imbuto.leads.models import Lead
from imbuto.sla.models import LeadSla
from tests.factories import AccountFactory, CampaignFactory, LeadFactory, channel

ROME = ZoneInfo("Europe/Rome")


def at(month: int, day: int, hour: int = 12, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


@pytest.fixture
def world(rep, other_rep, north, south, admin):
    web = channel("web-form")
    spring = CampaignFactory(name="Spring", starts_on=dt.date(2026, 1, 10), cost=Decimal(1000))
    a1, a2, a3 = (AccountFactory(name=n) for n in ("A1", "A2", "A3"))
    lead = {
        "l0": LeadFactory(owner=rep, channel=web, created_at=at(12, 1, year=2025), stage="lead"),
        "l1": LeadFactory(
            owner=rep, channel=web, created_at=at(1, 5), stage="customer", first_contacted_at=at(1, 5, 12, 3)
        ),
        "l2": LeadFactory(
            owner=rep,
            channel=spring.channel,
            campaign=spring,
            created_at=at(2, 1),
            stage="sql",
            first_contacted_at=at(2, 1, 12, 30),
            country="DE",
        ),
        "l3": LeadFactory(
            owner=other_rep,
            channel=web,
            created_at=at(2, 10),
            stage="discarded",
            disposition_reason="spam",
            stage_changed_at=at(2, 11),
            first_contacted_at=at(2, 10, 14),
        ),
        "l4": LeadFactory(owner=other_rep, channel=web, created_at=at(3, 1), stage="suspect"),
    }
    ct = ContentType.objects.get_for_model(Lead)
    HistoryEntry.objects.bulk_create(
        [
            HistoryEntry(
                object_type=ct,
                object_id=lead["l3"].pk,
                action="transition",
                at=at(2, 11),
                changes={"stage": ["lead", "discarded"]},
            ),
            HistoryEntry(
                object_type=ct,
                object_id=lead["l1"].pk,
                action="transition",
                at=at(1, 20),
                changes={"stage": ["opportunity", "customer"]},
            ),
            HistoryEntry(
                object_type=ct,
                object_id=lead["l0"].pk,
                action="transition",
                at=at(12, 2, year=2025),
                changes={"stage": ["suspect", "lead"]},
            ),
        ]
    )
    LeadSla.objects.bulk_create(
        [
            LeadSla(
                lead=lead["l1"],
                started_at=at(1, 5),
                temperature="hot",
                due_at=at(1, 5, 13),
                first_contact_at=at(1, 5, 12, 3),
            ),
            LeadSla(
                lead=lead["l3"],
                started_at=at(2, 10),
                temperature="hot",
                due_at=at(2, 10, 13),
                first_contact_at=at(2, 10, 14),
            ),
            LeadSla(lead=lead["l4"], started_at=at(3, 1), temperature="hot", due_at=at(3, 1, 13)),
        ]
    )
    pipe = Pipeline.objects.create(name="Fixture pipeline")
    st = {
        key: PipelineStage.objects.create(
            pipeline=pipe, key=key, name=key, position=i, probability=p, outcome=o
        )
        for i, (key, p, o) in enumerate(
            [
                ("qualification", 20, "open"),
                ("proposal", 50, "open"),
                ("won", 100, "won"),
                ("lost", 0, "lost"),
            ]
        )
    }

    def deal(name, owner, status, amount, created, closed=None, lead_=None, account=None, stage=None, **kw):
        return Deal(
            name=name,
            pipeline=pipe,
            stage=st[stage or status],
            status=status,
            amount=amount,
            owner=owner,
            team=owner.team,
            created_at=created,
            closed_at=closed,
            lead=lead_,
            account=account,
            **kw,
        )

    today = dt.date.today()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=15)
    deals = Deal.objects.bulk_create(
        [
            deal("D1", rep, "won", Decimal(1000), at(1, 10), at(1, 20), lead["l1"], a1),
            deal("D2", rep, "won", Decimal(3000), at(2, 2), at(3, 4), lead["l2"], a2),
            deal("D3", other_rep, "lost", Decimal(500), at(1, 15), at(2, 15), lost_reason="price"),
            deal("D4", other_rep, "won", Decimal(2000), at(3, 1), at(3, 10), None, a1),
            deal("D5", rep, "open", Decimal(10000), at(3, 5), stage="proposal", expected_close=next_month),
            deal(
                "D6",
                other_rep,
                "open",
                Decimal(4000),
                at(3, 6),
                stage="qualification",
                probability=25,
                expected_close=next_month,
            ),
            deal("D7", other_rep, "won", Decimal(700), at(10, 1, year=2025), at(11, 10, year=2025), None, a1),
            deal("D8", rep, "won", Decimal(800), at(10, 1, year=2025), at(12, 1, year=2025), None, a3),
        ]
    )
    gear = Product.objects.create(code="G", name="Gear", unit_price=Decimal(500))
    DealLine.objects.bulk_create(
        [
            DealLine(deal=deals[0], product=gear, quantity=1, unit_price=500),
            DealLine(deal=deals[0], product=gear, quantity=1, unit_price=500),
        ]
    )
    Target.objects.bulk_create(
        [
            Target(team=north, period_kind="quarter", period_start=dt.date(2026, 1, 1), amount=8000, count=3),
            Target(team=south, period_kind="month", period_start=dt.date(2026, 1, 1), amount=1000),
            Target(user=rep, period_kind="month", period_start=dt.date(2026, 2, 1), amount=2000),
            Target(
                user=rep,
                period_kind="month",
                period_start=dt.date(2026, 2, 1),
                amount=99999,
                replaced_at=at(1, 1),
            ),  # replaced: history only
        ]
    )
    return {"lead": lead, "deals": deals, "spring": spring, "gear": gear}
