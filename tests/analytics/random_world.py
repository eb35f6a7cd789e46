"""Random data for comparing the summary tables with the raw ones: leads in every stage over two years
(unassigned, without channel, merged away, discarded with and without a recorded move), stage
history with other changes mixed in, response clocks (on time, late, waiting, due earlier today and
tomorrow), deals won, lost and open with none, one or several lines of a product (twice the same,
or none), with and without lead and account."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from imbuto.core.models import HistoryEntry
from imbuto.deals.models import Deal, DealLine, Pipeline, PipelineStage, Product
from imbuto.leads.models import Account, Campaign, Channel, Lead
from imbuto.sla.models import LeadSla

ROME = ZoneInfo("Europe/Rome")
STAGES = ["suspect", "lead", "mql", "sql", "opportunity", "customer", "discarded", "parked"]
REASONS = ["", "spam", "invalid", "not_ready", "no_budget", "other"]


def _moment(rng: random.Random) -> dt.datetime:
    """Any instant of 2025-2026, midnights included (days are local, Rome)."""
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(730))
    if rng.random() < 0.1:
        return dt.datetime.combine(day, dt.time(0, 0), tzinfo=ROME)
    return dt.datetime.combine(day, dt.time(rng.randrange(24), rng.randrange(60), rng.randrange(60),
                                            rng.randrange(1_000_000)), tzinfo=ROME)


def random_world(seed: int, leads: int, reps: tuple) -> dict:
    rng = random.Random(seed)
    now = timezone.now()
    channels = [*Channel.objects.all()[:4], None]
    campaigns = [Campaign.objects.create(name=f"R{i}", channel=channels[i], cost=Decimal(500 * (i + 1)),
                                         starts_on=dt.date(2025, 4 * i + 1, 5)) for i in range(3)] + [None]
    accounts = [Account.objects.create(name=f"Acc {i}", country=rng.choice(["IT", "DE", ""]))
                for i in range(12)] + [None]
    owners = [*reps, None]
    made = []
    for i in range(leads):
        owner = rng.choice(owners)
        created = _moment(rng)
        stage = rng.choice(STAGES)
        contacted = None
        if rng.random() < 0.7:
            contacted = created + dt.timedelta(minutes=rng.choice([0, 3, 5, 30, 60, 61, 600, 1440, 3000]),
                                               seconds=rng.randrange(2) * rng.random() * 30)
            if rng.random() < 0.05:
                contacted = created - dt.timedelta(minutes=5)  # clamped to 0
        made.append(Lead(
            last_name=f"Random {i}", owner=owner,
            team=owner.team if owner and rng.random() < 0.9 else rng.choice([None, *{r.team for r in reps}]),
            channel=rng.choice(channels), campaign=rng.choice(campaigns),
            country=rng.choice(["IT", "DE", "FR", ""]), stage=stage, created_at=created,
            stage_changed_at=created + dt.timedelta(days=rng.randrange(60)) if rng.random() < 0.9 else None,
            disposition_reason=rng.choice(REASONS) if stage in ("discarded", "parked") else "",
            first_contacted_at=contacted,
        ))
    made = Lead.objects.bulk_create(made)
    for lead in rng.sample(made, leads // 25):
        Lead.objects.filter(pk=lead.pk).update(merged_into=rng.choice([m for m in made if m.pk != lead.pk]))
    ct = ContentType.objects.get_for_model(Lead)
    entries = []
    for lead in made:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            new = lead.stage if rng.random() < 0.5 else rng.choice(STAGES)
            changes = rng.choice([{"stage": [rng.choice([*STAGES, None]), new]}, {"owner": [1, 2]},
                                  {"stage": [None, new]}])
            entries.append(HistoryEntry(object_type=ct, object_id=lead.pk, action="transition",
                                        at=lead.created_at + dt.timedelta(hours=rng.randrange(2000)),
                                        changes=changes))
    HistoryEntry.objects.bulk_create(entries)
    clocks = []
    for lead in rng.sample(made, leads // 3):
        due = lead.created_at + dt.timedelta(hours=rng.choice([1, 4, 48]))
        first = rng.choice([None, lead.created_at + dt.timedelta(minutes=30), due + dt.timedelta(hours=1)])
        if rng.random() < 0.1:  # still waiting: due earlier today, or tomorrow
            lead.created_at, first = now - dt.timedelta(hours=rng.choice([2, 30])), None
            due = rng.choice([now - dt.timedelta(minutes=5), now + dt.timedelta(days=1)])
        clocks.append(LeadSla(lead=lead, started_at=lead.created_at, temperature="hot", due_at=due,
                              first_contact_at=first))
    LeadSla.objects.bulk_create(clocks)
    pipe = Pipeline.objects.create(name="Random pipeline")
    st = {key: PipelineStage.objects.create(pipeline=pipe, key=key, name=key, position=i, probability=p,
                                            outcome=o)
          for i, (key, p, o) in enumerate([("new", 10, "open"), ("talk", 45, "open"), ("won", 100, "won"),
                                           ("lost", 0, "lost")])}
    products = [Product.objects.create(code=f"RP{i}", name=f"Random product {i}") for i in range(3)]
    deals = []
    for i in range(leads // 3):
        owner = rng.choice(owners)
        status = rng.choice(["won", "won", "lost", "open"])
        created = _moment(rng)
        amount = Decimal(rng.randrange(100, 90_000)) / (1 if status == "open" else 100)
        deals.append(Deal(
            name=f"Random deal {i}", pipeline=pipe, status=status,
            stage=st[status] if status != "open" else st[rng.choice(["new", "talk"])],
            amount=None if rng.random() < 0.05 else amount, owner=owner,
            team=owner.team if owner else None, lead=rng.choice([*made[:50], None]),
            account=rng.choice(accounts), created_at=created,
            closed_at=created + dt.timedelta(days=rng.randrange(200), hours=rng.randrange(24))
            if status != "open" else None,
            probability=rng.choice([None, None, 30, 65]) if status == "open" else None,
            expected_close=(now + dt.timedelta(days=rng.randrange(-20, 100))).date()
            if status == "open" and rng.random() < 0.9 else None,
        ))
    deals = Deal.objects.bulk_create(deals)
    lines = [DealLine(deal=d, product=rng.choice([*products, None]), quantity=1, unit_price=1)
             for d in deals for _ in range(rng.choice([0, 1, 1, 2, 3]))]
    lines += [DealLine(deal=d, product=products[0], quantity=1, unit_price=1) for d in deals[:5]]
    DealLine.objects.bulk_create(lines)
    return {"leads": made, "deals": deals, "products": products}
