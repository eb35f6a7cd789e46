"""The deal facts (DealFact): one row per deal with its slice keys and cycle times resolved, and one per
deal and product for the product slice; computed with the live source's own functions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Case, QuerySet, When

from imbuto.deals.models import Deal, DealLine

from .source_raw import days_between
from .summary_leads import zone
from .summary_models import DealFact, insert_rows

FIELDS = (
    "pk", "status", "closed_at", "owner_id", "team_id", "lead__channel_id", "lead__campaign_id",
    "account__country", "account_id", "amount", "probability", "stage_id", "expected_close", "lead_id",
    "created_at", "lead__created_at",
)
DEAL_FIELDS = (
    "deal_id", "status", "owner", "team", "channel_id", "campaign_id", "country", "account_id", "amount",
    "amount_cents", "probability", "stage", "closed_day", "expected_month", "prediction", "from_lead",
    "from_deal", "per_product", "product_id", "lines",
)
BATCH = 20_000


def _cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)).scaleb(2).to_integral_value())


def facts(deals: QuerySet[Deal], kinds: tuple[bool, ...] = (False, True)) -> list[tuple[Any, ...]]:
    """The fact rows of `deals`: whole (kind False) and per product (True)."""
    rows = list(deals.values_list(*FIELDS).order_by())
    lines: dict[int, Counter[int | None]] = defaultdict(Counter)
    for deal_id, product_id in DealLine.objects.filter(deal_id__in=[r[0] for r in rows]).values_list(
        "deal_id", "product_id"
    ):
        lines[deal_id][product_id] += 1
    tz = zone()
    out: list[tuple[Any, ...]] = []
    for (pk, status, closed_at, owner, team, channel, campaign, country, account, amount, probability,
         stage, expected, lead, created_at, lead_created_at) in rows:
        common = (
            pk, status, owner, team, channel, campaign, country, account, amount, _cents(amount), probability,
            stage, closed_at.astimezone(tz).date() if closed_at else None,
            expected.replace(day=1) if expected else None, lead,
            days_between(lead_created_at, closed_at), days_between(created_at, closed_at),
        )
        if False in kinds:
            out.append((*common, False, None, 1))
        if True in kinds:
            for product, n in (lines.get(pk) or {None: 1}).items():
                out.append((*common, True, product, n))
    return out


def in_batches() -> Iterator[list[tuple[Any, ...]]]:
    """facts() of every deal, a batch at a time, in the order the readers read them: the whole rows
    before the per-product ones, open deals first, then by closing time (a quarter's closed deals,
    and the open ones, lie together in the table until refreshes move some)."""
    order = (Case(When(status="open", then=0), default=1), "closed_at", "pk")
    ids = list(Deal.objects.order_by(*order).values_list("pk", flat=True))
    for kind in (False, True):
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            position = {pk: i for i, pk in enumerate(chunk)}
            rows = facts(Deal.objects.filter(pk__in=chunk), (kind,))
            yield sorted(rows, key=lambda r: position[r[0]])


def replace(deal_ids: Iterable[int]) -> int:
    """Write the facts of these deals again (deleted deals lose theirs); returns the rows written."""
    ids = sorted(set(deal_ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        DealFact.objects.filter(deal_id__in=chunk).delete()
        written += insert_rows(DealFact, DEAL_FIELDS, facts(Deal.objects.filter(pk__in=chunk)))
    return written
