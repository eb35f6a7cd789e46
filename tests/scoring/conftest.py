"""Scoring fixtures: rules made through the service (as a marketer would), a fixed clock, engagement."""

import datetime as dt

import pytest

from imbuto.intake.models import EngagementEvent
from imbuto.scoring import services

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def make_rule(marketer):
    def make(**data):
        data.setdefault("name", f"rule {data.get('attribute') or data.get('event_kind')}")
        rule, _warnings = services.rule_create(actor=marketer, data=data)
        return rule

    return make


def engage(lead, kind, at, **extra):
    return EngagementEvent.objects.create(lead=lead, kind=kind, occurred_at=at, received_at=at, **extra)
