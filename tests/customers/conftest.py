"""Customer tests: an account rita owns with a contact, and won deals made through the ORM (the deals
app's services are built by another helper; its skeleton models are the contract)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from imbuto.deals.models import Deal, Pipeline, PipelineStage
from tests.factories import AccountFactory, ContactFactory


@pytest.fixture
def account(rep):
    return AccountFactory(name="Nord Srl", owner=rep)


@pytest.fixture
def contact(account):
    return ContactFactory(account=account, owner=account.owner)


@pytest.fixture
def won_deal(db):
    """make(account, amount, days_ago): a deal won `days_ago` days ago."""
    pipeline = Pipeline.objects.create(name="Fixture pipeline")
    won = PipelineStage.objects.create(pipeline=pipeline, key="won", name="Won", outcome="won", position=9)

    def make(account, amount="1000.00", days_ago=0, status="won", owner=None):
        closed = timezone.now() - dt.timedelta(days=days_ago)
        return Deal.objects.create(name=f"Deal {amount}", pipeline=pipeline, stage=won, status=status,
                                   amount=Decimal(amount), account=account, owner=owner or account.owner,
                                   closed_at=closed if status == "won" else None)

    return make


@pytest.fixture
def committed(django_capture_on_commit_callbacks, tasks_immediate):
    """Run what a commit would deliver (events, then the tasks their receivers enqueue) at once."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
