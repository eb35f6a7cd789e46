"""The periodic jobs of `core.registry.PERIODIC_JOBS` on django-crontask's APScheduler scheduler.

A job's cron is a crontab line ("0 3 * * *": 03:00 every day in TIME_ZONE) or the same with a leading
seconds field ("*/10 * * * * *"); days of the week by name (Mon..Sun), as crontask requires, because
APScheduler counts them from Monday and crontab from Sunday. Each firing enqueues the job's task
(django.tasks, whatever the backend) and nothing else: the work runs on a worker.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from imbuto.core.registry import PeriodicJob

logger = logging.getLogger(__name__)


class JobError(ValueError):
    """A periodic job that cannot be scheduled; the message names it."""


def trigger_for(job: PeriodicJob) -> CronTrigger:
    fields = job.cron.split()
    if len(fields) not in (5, 6):
        raise JobError(f"periodic job {job.name!r}: {job.cron!r} is not a cron line "
                       "(minute hour day month weekday, optionally seconds first)")
    if any(c.isdigit() for c in fields[-1]):
        raise JobError(f"periodic job {job.name!r}: name the days of the week (Mon..Sun) in {job.cron!r}")
    tz = timezone.get_default_timezone()
    try:
        if len(fields) == 5:
            return CronTrigger.from_crontab(job.cron, timezone=tz)
        second, minute, hour, day, month, weekday = fields
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=weekday, timezone=tz)
    except ValueError as exc:
        raise JobError(f"periodic job {job.name!r}: {job.cron!r}: {exc}") from exc


def task_for(job: PeriodicJob) -> Any:
    """The job's task: a django.tasks Task (or the django-tasks backport's, which RQ's backend makes)."""
    try:
        task = import_string(job.task)
    except ImportError as exc:
        raise JobError(f"periodic job {job.name!r}: no task {job.task!r}") from exc
    if not callable(getattr(task, "enqueue", None)) or not hasattr(task, "func"):
        raise JobError(f"periodic job {job.name!r}: {job.task!r} is not a django.tasks task")
    return task


def fire(job: PeriodicJob) -> None:
    """Enqueue the job's task once (run by the scheduler's thread pool: fresh connections)."""
    close_old_connections()
    try:
        result = task_for(job).enqueue()
        logger.info("periodic job %s: enqueued %s as %s", job.name, job.task, result.id)
    finally:
        close_old_connections()


def add_jobs(scheduler: Any, jobs: list[PeriodicJob]) -> list[tuple[PeriodicJob, CronTrigger]]:
    """Check every job first (one bad job stops the start, naming it), then add them all."""
    planned = [(job, trigger_for(job)) for job in jobs if task_for(job)]
    for job, trigger in planned:
        scheduler.add_job(fire, trigger=trigger, args=(job,), id=job.name, name=job.name,
                          replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=60)
    return planned
