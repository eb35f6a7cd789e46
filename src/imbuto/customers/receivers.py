"""Customer receivers: they only enqueue tasks (wired by CustomersConfig.ready())."""

from __future__ import annotations

from django.conf import settings

from imbuto.core import events
from imbuto.deals.events import DealClosed

from . import tasks
from .events import FeedbackRecorded


def on_deal_closed(event: DealClosed) -> None:
    if event.outcome == "won" and event.deal_ids:
        tasks.customers_from_deals.enqueue(list(event.deal_ids))


def on_feedback_recorded(event: FeedbackRecorded) -> None:
    if event.score >= settings.IMBUTO_REFERRAL_ASK_SCORE:
        for feedback_id in event.feedback_ids:
            tasks.ask_for_referral.enqueue(feedback_id)


def connect() -> None:
    events.subscribe(DealClosed, on_deal_closed)
    events.subscribe(FeedbackRecorded, on_feedback_recorded)
