"""A closed history the model can learn from: won leads come mostly from referrals in software with
a phone and webinar attendance, lost ones mostly from purchased lists; both with some noise."""

from __future__ import annotations

import random

import pytest
from django.utils import timezone

from imbuto.intake.models import EngagementEvent
from imbuto.leads.models import Lead
from tests.factories import LeadFactory, channel


def make_history(won: int, lost: int, *, seed: int = 1) -> list[Lead]:
    rng = random.Random(seed)
    referral, listed = channel("referral"), channel("purchased-list")
    closed_at = timezone.now() - timezone.timedelta(days=2)
    leads, events = [], []
    for i in range(won + lost):
        is_won = i < won
        good = rng.random() < (0.85 if is_won else 0.15)
        lead = LeadFactory(
            stage="customer" if is_won else "discarded",
            disposition_reason="" if is_won else "no_purchase_intent",
            stage_changed_at=closed_at,
            channel=referral if good else listed,
            industry="software" if rng.random() < (0.8 if good else 0.3) else "retail",
            phone="+39 02 1234567" if good else "",
            country="IT" if rng.random() < 0.5 else "DE",
        )
        leads.append(lead)
        for _ in range(rng.randint(1, 3) if good else rng.randint(0, 1)):
            events.append(EngagementEvent(lead=lead, kind="webinar_attended",
                                          occurred_at=closed_at - timezone.timedelta(days=5)))
        # after the outcome: must not count (the model learns what was known before closing)
        events.append(EngagementEvent(lead=lead, kind="email_open",
                                      occurred_at=closed_at + timezone.timedelta(days=1)))
    EngagementEvent.objects.bulk_create(events)
    return leads


@pytest.fixture
def history(db):
    return make_history


@pytest.fixture
def trained(db):
    """A model trained on 60 won and 60 lost leads."""
    from imbuto.prediction.services import model_train

    make_history(60, 60)
    return model_train().version


def open_lead(good: bool, **extra) -> Lead:
    return LeadFactory(stage="lead", channel=channel("referral" if good else "purchased-list"),
                       industry="software" if good else "retail",
                       phone="+39 02 7654321" if good else "", **extra)
