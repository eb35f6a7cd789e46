"""Deals' part of `imbuto demo` (leads.extensions.DEMO_PARTS): the product catalogue, a second
pipeline, and a deal for every demo lead whose path went through opportunity: open deals spread over
the open stages for leads still at opportunity, won deals (with lines) for customers, lost deals
(reason, competitor, their product) for the others, dated by the lead's own history over 18 months.
Seeded by the plan's seed, so the same seed gives the same deals."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType

from imbuto.core import events
from imbuto.core.models import HistoryEntry
from imbuto.leads.demo_load import insert_rows
from imbuto.leads.models import Lead

from .defaults import seed_defaults
from .events import DealCreated
from .models import Deal, DealLine, Pipeline, PipelineStage, Product, StageOutcome

# code, English name, Italian name, family, unit price
PRODUCTS = (
    ("MES-CLOUD", "MES cloud licence (year)", "Licenza MES cloud (anno)", "software", 12000),
    ("MES-SEAT", "MES operator seat (year)", "Postazione operatore MES (anno)", "software", 900),
    ("PM-KIT", "Predictive maintenance kit", "Kit di manutenzione predittiva", "hardware", 8500),
    ("IOT-GW", "IoT gateway", "Gateway IoT", "hardware", 1400),
    ("ONBOARD", "Onboarding and training", "Avviamento e formazione", "services", 4800),
    ("SUPPORT", "Premium support (year)", "Assistenza premium (anno)", "services", 3600),
    ("INTEG", "ERP integration", "Integrazione ERP", "services", 9500),
    ("ANALYTICS", "Production analytics add-on", "Modulo analisi di produzione", "software", 5200),
)
COMPETITORS = (
    ("Fabbrica Digitale", "FD Suite"),
    ("Siemens", "Opcenter"),
    ("ProdNet", "ProdNet MES"),
    ("Factory One", "F1 Monitor"),
)
LOSS_WEIGHTS = {
    "competitor": 30,
    "price": 20,
    "not_ready": 15,
    "no_budget": 12,
    "no_decision": 10,
    "demo_went_wrong": 8,
    "other": 5,
}
OPEN_WEIGHTS = {"qualification": 30, "needs_analysis": 25, "proposal": 25, "negotiation": 20}


@dataclass(frozen=True)
class DealsDemo:
    """Registered once (frozen dataclass: equal instances, so a second ready() adds nothing)."""

    name: str = "deals"

    def prepare(self, leads: list[Lead]) -> None:
        return None

    def store(self, plan: Any, leads: list[Lead], state: Any) -> dict[str, int]:
        seed_defaults()
        italian = getattr(plan, "language", "en") == "it"
        products = _products(italian)
        pipeline = Pipeline.objects.order_by("-is_default", "pk").first()
        assert pipeline is not None
        _second_pipeline(italian)
        stages = {s.key: s for s in pipeline.stages.all()}
        rng = random.Random(plan.seed * 7 + 13)
        deals: list[Deal] = []
        lines: list[tuple[int, list[tuple[Product, int, Decimal]]]] = []
        for lp, lead in zip(plan.leads, leads, strict=True):
            made = _deal_for(rng, lp, lead, pipeline, stages, products)
            if made is not None:
                deals.append(made[0])
                lines.append((len(deals) - 1, made[1]))
        Deal.objects.bulk_create(deals, batch_size=500)
        DealLine.objects.bulk_create(
            [
                DealLine(deal=deals[i], product=p, quantity=q, unit_price=price)
                for i, rows in lines
                for p, q, price in rows
            ],
            batch_size=500,
        )
        ct = ContentType.objects.get_for_model(Deal).pk
        rows: list[tuple[Any, ...]] = []
        for deal in deals:
            rows.append(
                (
                    ct,
                    deal.pk,
                    "created",
                    None,
                    "system",
                    deal.created_at,
                    {"stage": [None, stages["qualification"].pk]},
                    "",
                )
            )
            if deal.stage_id != stages["qualification"].pk:
                rows.append(
                    (
                        ct,
                        deal.pk,
                        "moved",
                        deal.owner_id,
                        deal.owner.username if deal.owner else "system",
                        deal.stage_changed_at,
                        {"stage": [stages["qualification"].pk, deal.stage_id]},
                        "",
                    )
                )
        insert_rows(
            HistoryEntry,
            ("object_type", "object_id", "action", "actor", "actor_label", "at", "changes", "reason"),
            rows,
        )
        events.emit(
            DealCreated(
                deal_ids=tuple(d.pk for d in deals),
                lead_ids=tuple(sorted({d.lead_id for d in deals if d.lead_id})),
            )
        )
        return {"deals": len(deals), "products": len(products)}


def _products(italian: bool) -> list[Product]:
    have = {p.code: p for p in Product.objects.filter(code__in=[p[0] for p in PRODUCTS])}
    new = [
        Product(code=code, name=it if italian else en, family=family, unit_price=Decimal(price))
        for code, en, it, family, price in PRODUCTS
        if code not in have
    ]
    Product.objects.bulk_create(new)
    return [*have.values(), *new]


def _second_pipeline(italian: bool) -> None:
    name = "Rinnovi" if italian else "Renewals"
    if Pipeline.objects.filter(name=name).exists():
        return
    pipeline = Pipeline.objects.create(name=name, name_it="Rinnovi")
    PipelineStage.objects.bulk_create(
        [
            PipelineStage(
                pipeline=pipeline,
                key=k,
                name=n,
                name_it=i,
                position=pos,
                probability=p,
                idle_days=d,
                outcome=o,
            )
            for pos, (k, n, i, p, d, o) in enumerate(
                (
                    ("renewal_due", "Renewal due", "Rinnovo in scadenza", 60, 30, "open"),
                    ("quoted", "Quoted", "Offerta inviata", 80, 14, "open"),
                    ("won", "Won", "Vinta", 100, None, "won"),
                    ("lost", "Lost", "Persa", 0, None, "lost"),
                )
            )
        ]
    )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _deal_for(
    rng: random.Random,
    lp: Any,
    lead: Lead,
    pipeline: Pipeline,
    stages: dict[str, PipelineStage],
    products: list[Product],
) -> tuple[Deal, list[tuple[Product, int, Decimal]]] | None:
    transitions = [s for s in lp.steps if s.action == "transition"]
    opened = next((i for i, s in enumerate(transitions) if s.to == "opportunity"), None)
    if opened is None:
        return None
    created: dt.datetime = transitions[opened].at
    after = transitions[opened + 1] if opened + 1 < len(transitions) else None
    chosen = rng.sample(products, k=rng.randint(1, 3))
    rows = [
        (
            p,
            rng.randint(1, 5) if p.family != "software" or p.unit_price < 2000 else 1,
            (p.unit_price * Decimal(rng.choice((80, 90, 100, 100)) / 100)).quantize(Decimal("1")),
        )
        for p in chosen
    ]
    amount = sum((q * price for _p, q, price in rows), Decimal(0))
    owner = lead.owner
    deal = Deal(
        name=(lead.company_name or str(lead))[:200],
        pipeline=pipeline,
        amount=amount,
        owner=owner,
        team_id=lead.team_id,
        lead=lead,
        account_id=lead.account_id,
        contact_id=lead.contact_id,
        channel_id=lead.channel_id,
        campaign_id=lead.campaign_id,
        created_at=created,
        stage_changed_at=created,
        expected_close=(created + dt.timedelta(days=rng.randint(20, 90))).date(),
    )
    if after is None:  # still an opportunity: an open stage, maybe idle past its limit
        key = _weighted(rng, OPEN_WEIGHTS)
        deal.stage, deal.status = stages[key], StageOutcome.OPEN
        deal.stage_changed_at = created + (lp_now(lp) - created) * rng.uniform(0.1, 0.9)
        if key == "qualification":
            deal.stage_changed_at = created
    elif after.to == "customer":
        deal.stage, deal.status = stages["won"], StageOutcome.WON
        deal.closed_at = deal.stage_changed_at = after.at
    else:
        reason = _weighted(rng, LOSS_WEIGHTS)
        deal.stage, deal.status, deal.lost_reason = stages["lost"], StageOutcome.LOST, reason
        deal.closed_at = deal.stage_changed_at = after.at
        if reason in ("competitor", "price") or rng.random() < 0.2:
            deal.competitor, deal.competitor_product = rng.choice(COMPETITORS)
        deal.recycle_at = after.at + dt.timedelta(days=180)
        if deal.recycle_at < lp_now(lp):
            deal.recycled_at = deal.recycle_at  # the demo does not replay the past comebacks
    return deal, rows


def lp_now(lp: Any) -> dt.datetime:
    """The demo's now: the plan's last moment (every step is in the past)."""
    from django.utils import timezone

    return max([timezone.now(), *(s.at for s in lp.steps)])
