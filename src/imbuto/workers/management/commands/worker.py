"""`imbuto worker`: run background tasks, on whichever backend IMBUTO_TASKS_BACKEND names.

- django_tasks_db.DatabaseBackend (the default): django-tasks-db's worker loop, plus a heartbeat so
  that the tasks of a worker that dies mid-task run again on another (workers.recovery);
- django_tasks_rq.RQBackend: django-rq's `rqworker` with django-tasks-rq's job class (and RQ's
  scheduler for tasks with a `run_after`);
- any other backend (immediate, dummy) runs tasks where they are enqueued or not at all: a clear
  error, exit code 1.

Start as many as needed, on as many machines as share the database (or Redis). `imbuto serve`
starts one unless --no-worker. SIGTERM (or Ctrl+C) finishes the running task and stops; a second
one stops at once and the task runs again on the next worker.
"""

from __future__ import annotations

import logging
import os
import signal
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker

from imbuto.workers import recovery
from imbuto.workers.redis_url import masked_redis_url

logger = logging.getLogger("django_tasks_db")


def backend_kind() -> str:
    """"db", "rq", or the backend's dotted path when no worker can run it."""
    path = settings.TASKS.get("default", {}).get("BACKEND", "")
    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        return "db"
    if path.startswith("django_tasks_rq."):
        return "rq"
    return path


class Command(BaseCommand):
    help = "Run background tasks (django-tasks-db or RQ, as IMBUTO_TASKS_BACKEND says)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*",
                            help="queues to work on, comma-separated; '*' = all (default)")
        parser.add_argument("--batch", action="store_true",
                            help="run the tasks waiting now, then exit")
        parser.add_argument("--max-tasks", type=int, default=None,
                            help="exit after this many tasks")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="seconds between looks at an empty queue (database backend)")

    def handle(self, *args: Any, queue_name: str, batch: bool, max_tasks: int | None, interval: float,
               verbosity: int, **options: Any) -> None:
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be at least 1.")
        if interval < 0:
            raise CommandError("--interval must not be negative.")
        kind = backend_kind()
        if kind == "db":
            self._run_db(queue_name, batch, max_tasks, interval, verbosity)
        elif kind == "rq":
            self._run_rq(queue_name, batch, max_tasks, verbosity)
        else:
            raise CommandError(
                f"The task backend {kind or '(none)'} runs tasks where they are enqueued (or never): "
                "there is nothing for a worker to run. Set IMBUTO_TASKS_BACKEND to "
                "django_tasks_db.DatabaseBackend (the default) or django_tasks_rq.RQBackend, and unset "
                "IMBUTO_TASKS_IMMEDIATE.")

    def _run_db(self, queue_name: str, batch: bool, max_tasks: int | None, interval: float,
                verbosity: int) -> None:
        DbWorkerCommand().configure_logging(verbosity)  # its log lines on stdout, as db_worker does
        worker = RecoveringWorker(
            queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name="default",
            startup_delay=not batch, max_tasks=max_tasks, worker_id=recovery.new_worker_id(),
            excluded_queue_names=[])
        worker.configure_signals()
        worker.run()

    def _run_rq(self, queue_name: str, batch: bool, max_tasks: int | None, verbosity: int) -> None:
        queues = (list(settings.RQ_QUEUES) if queue_name == "*" else queue_name.split(","))
        unknown = [q for q in queues if q not in settings.RQ_QUEUES]
        if unknown:
            raise CommandError(f"No such RQ queue: {', '.join(unknown)} "
                               f"(known: {', '.join(settings.RQ_QUEUES)}).")
        options: dict[str, Any] = {"job_class": "django_tasks_rq.Job", "burst": batch,
                                   "with_scheduler": not batch, "verbosity": verbosity}
        if max_tasks:
            options["max_jobs"] = max_tasks
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5).ping()
        except RedisError as exc:
            raise CommandError(f"Cannot reach Redis for the task queue ({masked_redis_url()}): "
                               f"{exc}") from None
        call_command("rqworker", *queues, **options)


class RecoveringWorker(Worker):
    """django-tasks-db's worker that says it is alive, recovers dead workers' tasks, and on a forced
    stop leaves its task to be run again rather than recording a failure."""

    def run(self) -> None:
        recovery.register(self.worker_id)
        recovered = recovery.requeue_orphans()
        if recovered:
            logger.warning("queued again %s task(s) of workers that died", recovered)
        heartbeat = recovery.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()
            recovery.unregister(self.worker_id)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running and self.running_task:
            # Second signal mid-task: django-tasks-db would record the task as failed. Leave it
            # RUNNING under this (now dead) worker instead: the next worker runs it again.
            logger.warning("Received %s again - stopping now; the running task will run again.",
                           signal.strsignal(signum))
            os._exit(1)
        super().shutdown(signum, frame)
