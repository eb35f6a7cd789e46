"""Background work's own periodic tasks (registered in WorkersConfig.ready())."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.tasks import task
from django.utils import timezone

KEEP_FINISHED_DAYS = 14


@task()
def prune_task_results() -> dict[str, Any]:
    """Delete finished task rows older than two weeks (database backend; RQ expires its own results).
    Idempotent: a second run finds nothing left to delete."""
    from django.tasks import TaskResultStatus, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return {"deleted": 0}
    old = timezone.now() - timedelta(days=KEEP_FINISHED_DAYS)
    deleted, _ = DBTaskResult.objects.filter(
        status__in=(TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED), finished_at__lt=old).delete()
    return {"deleted": deleted}
