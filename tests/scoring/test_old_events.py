"""An event hundreds of half-lives old adds nothing to a score and breaks nothing: PostgreSQL's float8
POWER raises on underflow instead of giving 0 (0.5 ** 1,100 is below the smallest double), so its
decay is capped at compute.MAX_HALVINGS on every path."""

from __future__ import annotations

import datetime as dt

import pytest

from imbuto.leads.models import Lead
from imbuto.scoring import services
from tests.factories import LeadFactory

from .conftest import NOW, engage

pytestmark = pytest.mark.django_db


def test_an_event_1100_half_lives_old_counts_for_nothing_on_every_path(make_rule):
    make_rule(kind="fit", attribute="country", values=["IT"], points=10)
    make_rule(kind="engagement", event_kind="email_click", points=5, half_life_days=1)
    old, fresh = LeadFactory(country="IT"), LeadFactory(country="IT")
    engage(old, "email_click", NOW - dt.timedelta(days=1100))
    engage(fresh, "email_click", NOW - dt.timedelta(days=1))
    services.rescore([old.pk, fresh.pk], now=NOW)  # the incremental path
    assert dict(Lead.objects.filter(pk__in=[old.pk, fresh.pk]).values_list("pk", "score")) == {
        old.pk: 10, fresh.pk: 12}  # 10 + round(5 * 0.5)
    services.rescore_all(now=NOW + dt.timedelta(days=1))  # the whole-table path (and the nightly)
    assert Lead.objects.get(pk=old.pk).score == 10
    assert Lead.objects.get(pk=fresh.pk).score == 11  # 10 + round(5 * 0.25)
