"""The deal facts (DealFact): one row per deal with its slice keys and cycle times resolved, and one per
deal and product for the product slice; computed with the live source's own functions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.db.models import QuerySet

from imbuto.deals.models import Deal, DealLine

from .source_raw import days_between
from .summary_leads import zone
from .summary_models import DealFact

FIELDS = (
    "pk", "status", "closed_at", "owner_id", "team_id", "lead__channel_id", "lead__campaign_id",
    "account__country", "account_id", "amount", "probability", "stage_id", "expected_close", "lead_id",
    "created_at", "lead__created_at",
)
BATCH = 20_000


def _cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)).scaleb(2).to_integral_value())


def facts(deals: QuerySet[Deal]) -> list[DealFact]:
    """The fact rows of `deals` (whole, then per product)."""
    rows = list(deals.values_list(*FIELDS).order_by())
    lines: dict[int, Counter[int | None]] = defaultdict(Counter)
    for deal_id, product_id in DealLine.objects.filter(deal_id__in=[r[0] for r in rows]).values_list(
        "deal_id", "product_id"
    ):
        lines[deal_id][product_id] += 1
    tz = zone()
    out = []
    for (pk, status, closed_at, owner, team, channel, campaign, country, account, amount, probability,
         stage, expected, lead, created_at, lead_created_at) in rows:
        common = {
            "deal_id": pk, "status": status, "owner_id": owner, "team_id": team, "channel_id": channel,
            "campaign_id": campaign, "country": country, "account_id": account, "amount": amount,
            "amount_cents": _cents(amount), "probability": probability, "stage_id": stage,
            "closed_day": closed_at.astimezone(tz).date() if closed_at else None,
            "expected_month": expected.replace(day=1) if expected else None,
            "prediction_id": lead,
            "from_lead": days_between(lead_created_at, closed_at),
            "from_deal": days_between(created_at, closed_at),
        }
        out.append(DealFact(**common))
        for product, n in (lines.get(pk) or {None: 1}).items():
            out.append(DealFact(per_product=True, product_id=product, lines=n, **common))
    return out


def in_batches(deals: QuerySet[Deal]) -> Iterator[list[DealFact]]:
    """facts() of every deal of `deals`, a batch at a time (ordered by id)."""
    last = 0
    while True:
        ids = list(deals.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        last = ids[-1]
        yield facts(Deal.objects.filter(pk__in=ids))


def replace(deal_ids: Iterable[int]) -> int:
    """Write the facts of these deals again (deleted deals lose theirs); returns the rows written."""
    ids = sorted(set(deal_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        DealFact.objects.filter(deal_id__in=chunk).delete()
        rows = facts(Deal.objects.filter(pk__in=chunk))
        written += len(DealFact.objects.bulk_create(rows, batch_size=5000))
    return written
