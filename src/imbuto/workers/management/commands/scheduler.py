"""`imbuto scheduler`: enqueue the periodic jobs (core.registry.PERIODIC_JOBS) on their cron schedules.

Built on django-crontask (APScheduler): its scheduler, its lock renewal and shutdown logic. Only one
scheduler fires jobs, however many are started: the one holding the lock, which is crontask's Redis
lock when tasks run on Redis (IMBUTO_TASKS_BACKEND=django_tasks_rq.RQBackend, REDIS_URL) and a lease
row in the database otherwise (workers.lease). The others stand by and take over within seconds when
the holder stops or dies (LOCK_TIMEOUT, 10 s). `imbuto serve` starts one beside the web server.
"""

from __future__ import annotations

import time
from typing import Any

import crontask
from crontask import conf
from crontask import utils as crontask_utils
from crontask.management.commands.crontask import Command as CrontaskCommand
from django.core.management.base import CommandError, CommandParser
from redis.exceptions import RedisError

from imbuto.core.registry import PERIODIC_JOBS
from imbuto.workers.lease import LeaseLock
from imbuto.workers.redis_url import masked_redis_url
from imbuto.workers.schedule import JobError, add_jobs

LOCK_NAME = "imbuto.scheduler"


def scheduler_lock() -> tuple[Any, str]:
    """crontask's Redis lock when configured (CRONTASK["REDIS_URL"]), else the database lease."""
    if not isinstance(crontask_utils.lock, crontask_utils.FakeLock):
        return crontask_utils.lock, "Redis"
    return LeaseLock(LOCK_NAME, timeout=conf.get_settings().LOCK_TIMEOUT), "database lease"


class Command(CrontaskCommand):
    help = "Enqueue the periodic jobs on their cron schedules; one scheduler fires, the others stand by."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="print the periodic jobs and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = list(PERIODIC_JOBS)
        try:
            planned = add_jobs(crontask.scheduler, jobs)
        except JobError as exc:
            raise CommandError(str(exc)) from exc
        for job, trigger in planned:
            self.stdout.write(f"  {job.name}: {job.cron} -> {job.task} ({trigger})")
        if options["list"]:
            return
        if not planned:
            self.stdout.write("No periodic jobs are registered; the scheduler stands by anyway.")
        lock, kind = scheduler_lock()
        try:
            self._wait_for(lock, kind)
            self.launch_scheduler(lock, crontask.scheduler)
        except RedisError as exc:
            raise CommandError(f"Cannot reach Redis for the scheduler's lock ({masked_redis_url()}): "
                               f"{exc}") from None
        try:
            lost = not lock.owned()
            lock.release()
        except crontask_utils.LockError:
            lost = True
        if lost:
            raise CommandError("The scheduler lock was lost (another scheduler holds it now); stopped.")

    def _wait_for(self, lock: Any, kind: str) -> None:
        settings = conf.get_settings()
        said = False
        while not lock.acquire(blocking=True, blocking_timeout=settings.LOCK_REFRESH_INTERVAL):
            if not said:
                self.stdout.write(f"Another scheduler holds the lock ({kind}); standing by.")
                self.stdout.flush()
                said = True
            time.sleep(0.1)
        self.stdout.write(f"Holding the scheduler lock ({kind}).")
        self.stdout.flush()
