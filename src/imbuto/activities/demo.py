"""The activities part of `imbuto demo` (leads.extensions.DEMO_PARTS, added by ActivitiesConfig.ready()
after the deals part): the calls, emails and meetings that worked the demo's leads over its months,
meetings on open deals, and open tasks (some overdue, some due this week) so that "My day" and every
timeline have something in them. Written in bulk, as the rest of the demo; same seed, same data."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from imbuto.leads.models import Lead

from .models import Activity, Direction, Kind

WORKED = ("lead", "mql", "sql", "opportunity", "customer", "discarded", "parked")
SUBJECTS: dict[str, list[tuple[str, str]]] = {  # kind -> (English, Italian) variants
    Kind.CALL: [
        ("First call: needs and timing", "Prima chiamata: esigenze e tempi"),
        ("Follow-up call", "Chiamata di follow-up"),
        ("Call about the offer", "Chiamata sull'offerta"),
    ],
    Kind.EMAIL: [
        ("Sent the brochure", "Inviata la brochure"),
        ("Sent the price list", "Inviato il listino"),
        ("Answered their questions", "Risposto alle domande"),
    ],
    Kind.MEETING: [("Product demo", "Demo del prodotto"), ("Meeting at their office", "Incontro in sede")],
    Kind.TASK: [
        ("Send the proposal", "Inviare la proposta"),
        ("Call back", "Richiamare"),
        ("Check the budget with the buyer", "Verificare il budget con l'ufficio acquisti"),
    ],
}


@dataclass(frozen=True)
class ActivitiesDemo:
    def prepare(self, leads: list[Lead]) -> None:
        return None

    def store(self, plan: Any, leads: list[Lead], state: Any) -> dict[str, int]:
        from imbuto.deals.models import Deal

        rng = random.Random(plan.seed * 104729 + 7)
        it = 1 if plan.language == "it" else 0
        now = timezone.now()

        def subject(kind: str) -> str:
            return rng.choice(SUBJECTS[kind])[it]

        rows: list[Activity] = []
        for lead in leads:
            if lead.owner_id is None or lead.stage not in WORKED or lead.merged_into_id:
                continue
            when = lead.created_at + dt.timedelta(hours=rng.randint(1, 30))
            for kind in rng.sample([Kind.CALL, Kind.EMAIL, Kind.MEETING], k=rng.randint(1, 3)):
                if when >= now:
                    break
                rows.append(
                    Activity(
                        kind=kind,
                        subject=subject(kind),
                        occurred_at=when,
                        done_at=when,
                        owner_id=lead.owner_id,
                        lead=lead,
                        created_at=when,
                        created_by_id=lead.owner_id,
                        direction=Direction.OUTBOUND,
                    )
                )
                when += dt.timedelta(days=rng.randint(1, 12))
            if lead.stage in ("mql", "sql") and rng.random() < 0.5:  # open work: overdue or due soon
                due = now + dt.timedelta(days=rng.randint(-3, 6), hours=rng.randint(0, 8))
                rows.append(
                    Activity(
                        kind=Kind.TASK,
                        subject=subject(Kind.TASK),
                        due_at=due,
                        owner_id=lead.owner_id,
                        lead=lead,
                        created_at=min(now, due),
                        created_by_id=lead.owner_id,
                    )
                )
        for deal in Deal.objects.filter(
            lead__in=[lead.pk for lead in leads], status="open", owner__isnull=False
        ):
            start = now + dt.timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 6))
            start = start.replace(minute=0, second=0, microsecond=0)
            rows.append(
                Activity(
                    kind=Kind.MEETING,
                    subject=subject(Kind.MEETING),
                    occurred_at=start,
                    ends_at=start + dt.timedelta(hours=1),
                    owner_id=deal.owner_id,
                    deal=deal,
                    lead_id=deal.lead_id,
                    account_id=deal.account_id,
                    created_at=now,
                    created_by_id=deal.owner_id,
                )
            )
        Activity.objects.bulk_create(rows, batch_size=2000)
        return {"activities": len(rows)}
