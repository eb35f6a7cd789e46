"""The periodic jobs the apps register today, run as the scheduler's firings would have them run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imbuto.core import registry
from imbuto.workers.schedule import task_for, trigger_for
from imbuto.workers.tasks import prune_task_results

from . import jobs

pytestmark = pytest.mark.django_db


def test_every_registered_job_names_a_task_and_a_valid_schedule():
    names = {job.name: job for job in registry.PERIODIC_JOBS}
    assert {"intake.prune_idempotency", "workers.prune_task_results",
            "notifications.retry_emails"} <= set(names)
    for job in names.values():
        assert task_for(job) and trigger_for(job)


def test_finished_task_rows_older_than_two_weeks_are_pruned_and_nothing_else(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    ids = {}
    for name, status, age in [("old_done", "SUCCESSFUL", 15), ("old_failed", "FAILED", 20),
                              ("recent", "SUCCESSFUL", 13), ("waiting", "READY", 30)]:
        result = jobs.tick.enqueue()
        DBTaskResult.objects.filter(pk=result.id).update(
            status=status, finished_at=None if status == "READY" else now - timedelta(days=age))
        ids[name] = result.id
    assert prune_task_results.call() == {"deleted": 2}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        str(ids["recent"]), str(ids["waiting"])}
    assert prune_task_results.call() == {"deleted": 0}
    assert DBTaskResult.objects.get(pk=ids["waiting"]).status == TaskResultStatus.READY
