"""A worker killed mid-task loses no work (database backend): the next `imbuto worker` sees the dead
worker's task, runs it again, and the task's effect happens once."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imbuto.notifications.models import Notification
from imbuto.workers import recovery
from imbuto.workers.models import WorkerProcess

from . import jobs
from .helpers import run, start, stop, wait_until

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_loses_no_work(settings, rep, tmp_path):
    settings.TASKS = DB_TASKS
    marker = tmp_path / "started"
    result = jobs.slow_note.enqueue(rep.pk, "kill-test", 3.0, str(marker))
    first = start(tmp_path / "first.log", "worker", "--interval", "0.2")
    try:
        wait_until(lambda: marker.exists() and marker.read_text().count("start") == 1, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first)
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.RUNNING  # what django-tasks-db alone would leave for ever
    assert not Notification.objects.exists()

    second = run("worker", "--batch", "--interval", "0.2")
    assert second.returncode == 0, second.stdout + second.stderr
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]
    assert marker.read_text().count("start") == 2  # it ran again ...
    assert Notification.objects.filter(recipient=rep, key="kill-test").count() == 1  # ... once in effect
    assert not WorkerProcess.objects.exists()  # the dead worker's record is gone, the live one left


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_running_task_first(settings, rep, tmp_path):
    settings.TASKS = DB_TASKS
    marker = tmp_path / "started"
    result = jobs.slow_note.enqueue(rep.pk, "term-test", 1.5, str(marker))
    worker = start(tmp_path / "worker.log", "worker", "--interval", "0.2")
    try:
        wait_until(marker.exists, timeout=60)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
    finally:
        stop(worker)
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
    assert Notification.objects.filter(key="term-test").count() == 1


def _running_task(worker_id: str, claims: int = 1) -> DBTaskResult:
    result = jobs.tick.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.status, row.started_at = TaskResultStatus.RUNNING, timezone.now()
    row.worker_ids = [f"w{i}" for i in range(claims - 1)] + [worker_id]
    row.save()
    return row


@pytest.mark.django_db
def test_only_the_tasks_of_dead_workers_are_queued_again(settings):
    settings.TASKS = DB_TASKS
    now = timezone.now()
    WorkerProcess.objects.create(worker_id="alive", hostname="elsewhere", pid=1, seen_at=now)
    WorkerProcess.objects.create(worker_id="silent", hostname="elsewhere", pid=1,
                                 seen_at=now - timedelta(seconds=recovery.STALE_SECONDS + 1))
    alive, silent, stranger = _running_task("alive"), _running_task("silent"), _running_task("db_worker-x")
    assert recovery.requeue_orphans() == 1
    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert statuses == {alive.pk: "RUNNING", silent.pk: "READY", stranger.pk: "RUNNING"}
    assert set(WorkerProcess.objects.values_list("pk", flat=True)) == {"alive"}
    assert recovery.requeue_orphans() == 0  # a second look changes nothing


@pytest.mark.django_db
def test_a_task_that_keeps_killing_workers_is_failed_not_retried_for_ever(settings):
    settings.TASKS = DB_TASKS
    WorkerProcess.objects.create(worker_id="gone", hostname="elsewhere", pid=1,
                                 seen_at=timezone.now() - timedelta(minutes=5))
    row = _running_task("gone", claims=recovery.MAX_CLAIMS)
    assert recovery.requeue_orphans() == 0
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and row.exception_class_path.endswith("WorkerLost")


def test_a_backend_no_worker_can_run_is_a_clear_error(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="nothing for a worker to run"):
        call_command("worker")


def test_the_cli_says_so_without_a_traceback(tmp_path):
    done = run("worker", timeout=60, IMBUTO_TASKS_IMMEDIATE="1", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert done.returncode == 1
    assert "nothing for a worker to run" in done.stderr and "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_redis_out_of_reach_is_a_message_without_its_password(command, tmp_path):
    done = run(command, timeout=60, IMBUTO_TASKS_BACKEND="django_tasks_rq.RQBackend",
               REDIS_URL="redis://u:s3cret@127.0.0.1:1/0", DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Cannot reach Redis" in done.stderr and "redis://u:***@127.0.0.1:1/0" in done.stderr
    assert "s3cret" not in done.stderr + done.stdout and "Traceback" not in done.stderr + done.stdout
