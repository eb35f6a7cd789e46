"""Expired Idempotency-Key answers are pruned: service, background task and `imbuto prune`."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from imbuto.intake import services, tasks
from imbuto.intake.models import IdempotencyRecord


@pytest.fixture
def records(admin):
    """One answer per age in hours, keyed by that age."""
    now = timezone.now()
    for age in (0, 2, 47, 49, 500):
        IdempotencyRecord.objects.create(client=admin, key=str(age), endpoint="leads.batch",
                                         request_hash="h", status_code=200, response={},
                                         created_at=now - dt.timedelta(hours=age))


def left():
    return sorted(int(k) for k in IdempotencyRecord.objects.values_list("key", flat=True))


def test_answers_older_than_the_ttl_are_deleted(records, settings, monkeypatch):
    assert services.idempotency_prune() == 2  # default 48 hours
    assert left() == [0, 2, 47]
    settings.IMBUTO_IDEMPOTENCY_TTL_HOURS = 1
    monkeypatch.setattr(services, "PRUNE_BATCH", 1)  # one record a batch: the loop runs to the end
    assert services.idempotency_prune() == 2
    assert left() == [0]
    assert services.idempotency_prune() == 0


def test_the_task_prunes_with_the_setting(records, settings):
    settings.IMBUTO_IDEMPOTENCY_TTL_HOURS = 100
    assert tasks.prune_idempotency.call() == {"deleted": 1}
    assert left() == [0, 2, 47, 49]


def test_the_command_prints_one_line_and_takes_hours(records):
    out = io.StringIO()
    call_command("prune", stdout=out)
    assert out.getvalue().strip() == "pruned 2 idempotency records older than 48 h"
    call_command("prune", "--hours", "24", stdout=out)
    assert left() == [0, 2]
    with pytest.raises(CommandError, match="hours"):
        call_command("prune", "--hours", "0")
