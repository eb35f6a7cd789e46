"""Response-time tests: a fixed Monday in Rome as the controlled clock, leads with started clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from imbuto.sla import services
from tests.factories import LeadFactory

ROME = ZoneInfo("Europe/Rome")


def rome(y, mo, d, h=0, mi=0):
    return dt.datetime(y, mo, d, h, mi, tzinfo=ROME)


MONDAY_10 = rome(2026, 3, 2, 10)  # 2 March 2026, a Monday, 10:00 in Rome


@pytest.fixture
def make_lead(db):
    """A lead created at `at` (default Monday 10:00) with its clock started, as the receiver's task does."""

    def make(owner=None, temperature="hot", at=MONDAY_10, **extra):
        lead = LeadFactory(owner=owner, temperature=temperature, created_at=at, **extra)
        services.due_compute([lead.pk])
        return lead

    return make
