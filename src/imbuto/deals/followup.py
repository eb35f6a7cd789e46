"""What a closed deal does to its lead and account, and how lost deals come back.

Won: the account becomes a customer and the lead (at opportunity) a customer. Lost: the lead, when
this was its last open deal, is parked until the day it comes back (the delay of the loss reason,
LossRecycling) or discarded when that reason does not recycle. `recycle_due` (the periodic job
`deals.recycle_lost`) brings the leads of lost deals back through intake's re-engagement: a lead
again, in the lost-opportunity channel, with a history entry saying which deal was lost and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from imbuto.core import explain, history, permissions
from imbuto.core.types import Actor
from imbuto.intake.services import lead_reengage
from imbuto.leads.choices import ParkReason, Stage
from imbuto.leads.models import Lead
from imbuto.leads.services import lead_transition

from . import codes
from .models import Deal, LossRecycling, Product, StageOutcome

PARK_REASON = {
    "competitor": ParkReason.BOUGHT_FROM_COMPETITOR,
    "not_ready": ParkReason.NOT_READY,
    "no_budget": ParkReason.NO_BUDGET,
}
BATCH = 200


def recycle_time(reason: str, now: dt.datetime) -> dt.datetime | None:
    """When a deal lost for `reason` now comes back (None: it does not)."""
    rule = LossRecycling.objects.filter(reason=reason).first()
    if rule is None or not rule.active:
        return None
    return now + dt.timedelta(days=max(1, rule.delay_days))


def _lead_actor(actor: Actor, lead: Lead) -> Actor:
    """The deal's mover acts on the lead when they may; otherwise the system follows the deal."""
    return actor if actor is None or permissions.can(actor, "change", lead) else None


def after_close(*, actor: Actor, deal: Deal) -> None:
    """In the deal move's transaction: the account and the lead follow the outcome."""
    if deal.status == StageOutcome.WON and deal.account_id:
        account = deal.account
        if account is not None and not account.is_customer:
            account.is_customer = True
            account.save(update_fields=["is_customer", "updated_at"])
            history.record(
                account,
                actor=actor,
                action="updated",
                changes={"is_customer": [False, True]},
                why=explain.explanation(codes.WON, deal=deal.pk),
            )
    lead = Lead.objects.filter(pk=deal.lead_id, merged_into__isnull=True).first() if deal.lead_id else None
    if lead is None or lead.stage != Stage.OPPORTUNITY:
        return
    who = _lead_actor(actor, lead)
    if deal.status == StageOutcome.WON:
        lead_transition(
            actor=who, lead=lead, to=Stage.CUSTOMER, why=explain.explanation(codes.WON, deal=deal.pk)
        )
        return
    if Deal.objects.filter(lead=lead, status=StageOutcome.OPEN).exists():
        return  # another deal is still being worked
    why = explain.explanation(codes.LOST, deal=deal.pk, lost_reason=deal.lost_reason)
    if deal.recycle_at is None:
        lead_transition(actor=who, lead=lead, to=Stage.DISCARDED, reason="other", why=why)
    else:
        lead_transition(
            actor=who,
            lead=lead,
            to=Stage.PARKED,
            why=why,
            reason=PARK_REASON.get(deal.lost_reason, ParkReason.OTHER),
            parked_until=timezone.localdate(deal.recycle_at),
        )


def recycle_due(*, now: dt.datetime | None = None) -> int:
    """Bring back the leads of lost deals whose time has come; returns how many came back. Each deal
    is claimed with a compare-and-set, so two runs never bring one back twice."""
    now = now or timezone.now()
    due = (
        Deal.objects.filter(status=StageOutcome.LOST, recycle_at__lte=now, recycled_at__isnull=True)
        .order_by("recycle_at", "pk")
        .values_list("pk", flat=True)
    )
    done = 0
    for deal_id in list(due[:BATCH]):
        with transaction.atomic():
            if not Deal.objects.filter(pk=deal_id, recycled_at__isnull=True).update(recycled_at=now):
                continue
            deal = Deal.objects.select_related("lead").get(pk=deal_id)
            lead = deal.lead
            while lead is not None and lead.merged_into_id:
                lead = lead.merged_into
            if lead is None or lead.stage not in (Stage.PARKED, Stage.DISCARDED):
                continue  # already back in the funnel (or gone): nothing to bring back
            lead = lead_reengage(actor=None, lead=lead)
            history.record(
                lead,
                actor=None,
                action="updated",
                why=explain.explanation(
                    codes.RECYCLED,
                    deal=deal.pk,
                    lost_reason=deal.lost_reason,
                    lost_on=timezone.localdate(deal.closed_at).isoformat() if deal.closed_at else "",
                ),
            )
            done += 1
    return done


def lost_deals_of(lead: Lead) -> list[Deal]:
    """The lead's lost deals, newest first (why a recycled lead came back)."""
    return list(
        Deal.objects.filter(lead=lead, status=StageOutcome.LOST)
        .select_related("stage")
        .order_by("-closed_at", "-pk")[:5]
    )


def suggestions(lead: Lead, limit: int = 3) -> tuple[Deal | None, list[Product]]:
    """For a lead whose last lost deal went to a competitor's product: active catalogue products
    that deal did not offer, those of other families first (they bought the equivalent of what was
    offered elsewhere; what complements it may still be ours). (lost deal, products) or (None, [])."""
    deal = (
        Deal.objects.filter(
            Q(competitor_product__gt="") | Q(lost_reason="competitor"), lead=lead, status=StageOutcome.LOST
        )
        .order_by("-closed_at", "-pk")
        .first()
    )
    if deal is None:
        return None, []
    offered = list(deal.lines.exclude(product=None).values_list("product_id", "product__family"))
    ids = {pk for pk, _family in offered}
    families = {family for _pk, family in offered}
    products: list[Any] = list(Product.objects.filter(active=True).exclude(pk__in=ids).order_by("name")[:200])
    products.sort(key=lambda p: (p.family in families, p.name))
    return deal, products[:limit]
