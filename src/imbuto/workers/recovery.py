"""No work lost when an `imbuto worker` dies mid-task (database backend).

django-tasks-db marks a task RUNNING when a worker claims it and nothing else ever looks at it again,
so a worker killed mid-task (SIGKILL, out of memory, the machine gone) would leave it RUNNING
forever. Each `imbuto worker` therefore registers itself (`WorkerProcess`) and beats every
HEARTBEAT_SECONDS from a thread of its own; any worker, at start and every RECOVER_EVERY beats,
puts back to READY the RUNNING tasks whose worker is dead: its heartbeat older than STALE_SECONDS,
or, on the same machine, its process gone. Tasks are idempotent (they take ids and write once per
key), so running one again after a partial run changes nothing twice. A task that has killed
MAX_CLAIMS workers is marked FAILED instead of going round for ever.

Tasks claimed by a plain `db_worker` (not `imbuto worker`) are not ours to judge and are left alone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from .models import WorkerProcess

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5
STALE_SECONDS = 30
RECOVER_EVERY = 3  # beats between two looks for orphaned tasks
MAX_CLAIMS = 5


class WorkerLost(Exception):  # noqa: N818 - the name says what happened to the task
    """The workers running this task kept dying; recorded as the task's failure."""


def new_worker_id() -> str:
    """Unique across machines and restarts, readable in logs: host-pid-random (at most 64 chars)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def register(worker_id: str) -> None:
    now = timezone.now()
    WorkerProcess.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname()[:255], "pid": os.getpid(), "started_at": now,
                  "seen_at": now})


def beat(worker_id: str) -> None:
    if not WorkerProcess.objects.filter(pk=worker_id).update(seen_at=timezone.now()):
        register(worker_id)  # pruned while we were paused: come back


def unregister(worker_id: str) -> None:
    WorkerProcess.objects.filter(pk=worker_id).delete()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def is_dead(worker: WorkerProcess, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    if worker.seen_at < now - timedelta(seconds=STALE_SECONDS):
        return True
    return worker.hostname == socket.gethostname()[:255] and not process_alive(worker.pid)


def requeue_orphans(now: dt.datetime | None = None) -> int:
    """Put back the RUNNING tasks of dead `imbuto worker`s; returns how many. Each is a
    compare-and-set on (status, started_at), so two workers recovering at once requeue a task once."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
                   .values_list("pk", "worker_ids", "started_at"))
    last_of = {pk: (ids[-1] if ids else None) for pk, ids, _started in running}
    workers = {w.pk: w for w in WorkerProcess.objects.filter(pk__in={w for w in last_of.values() if w})}
    dead = {pk for pk, w in workers.items() if is_dead(w, now)}
    requeued = 0
    for pk, ids, started in running:
        if last_of[pk] not in dead:
            continue
        claimed = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started)
        if len(ids) >= MAX_CLAIMS:
            done = claimed.update(status=TaskResultStatus.FAILED, finished_at=now,
                                  exception_class_path=f"{__name__}.WorkerLost",
                                  traceback=f"WorkerLost: {len(ids)} workers died running this task")
            logger.error("task %s killed %s workers; marked failed", pk, len(ids))
        else:
            done = claimed.update(status=TaskResultStatus.READY, started_at=None)
            requeued += done
            if done:
                logger.warning("task %s was running on dead worker %s; queued again", pk, last_of[pk])
    still_held = {w for pk, w in last_of.items() if w in dead and DBTaskResult.objects.filter(
        pk=pk, status=TaskResultStatus.RUNNING).exists()}
    WorkerProcess.objects.filter(pk__in=dead - still_held).delete()
    return requeued


class Heartbeat(threading.Thread):
    """Beats for one worker and, every few beats, recovers orphaned tasks; its own connection."""

    def __init__(self, worker_id: str, every: float = HEARTBEAT_SECONDS) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{worker_id}")
        self.worker_id = worker_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        beats = 0
        while not self.stopped.wait(self.every):
            beats += 1
            try:
                close_old_connections()
                with transaction.atomic():
                    beat(self.worker_id)
                if beats % RECOVER_EVERY == 0:
                    requeue_orphans()
            except DatabaseError as exc:  # the database is away: try again next beat
                logger.warning("worker %s heartbeat failed: %s", self.worker_id, exc)
            finally:
                connections.close_all()  # this thread's connections only

    def stop(self) -> None:
        self.stopped.set()
