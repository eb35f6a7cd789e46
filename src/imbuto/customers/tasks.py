"""Customer background tasks: ids in, idempotent."""

from __future__ import annotations

from django.tasks import task


@task()
def customers_from_deals(deal_ids: list[int]) -> int:
    """Won deals: their accounts become customers (a retry changes nothing twice)."""
    from .services import customers_from_won_deals

    return customers_from_won_deals(deal_ids)


@task()
def ask_for_referral(feedback_id: int) -> int | None:
    """A good score: the owner's task to ask for referrals (once per feedback); its id or None."""
    from .services import referral_ask

    activity = referral_ask(feedback_id)
    return activity.pk if activity else None
