"""`imbuto scheduler`: the periodic jobs on their cron schedules, fired by one scheduler only even when
two run (database lease, or crontask's Redis lock with RQ), the other standing by to take over."""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from datetime import timedelta

import pytest
import redis
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time

from imbuto.core import registry
from imbuto.core.registry import PeriodicJob
from imbuto.workers import schedule
from imbuto.workers.lease import LeaseLock, LeaseLost
from imbuto.workers.models import Lease

from .helpers import REDIS_URL, RQ, env, wait_until

TICK = "tests.workers.jobs.tick"
# The real command with one more job, every second, in a fresh interpreter.
SCHEDULER = ("import django; django.setup()\n"
             "from imbuto.core.registry import PERIODIC_JOBS, PeriodicJob\n"
             f"PERIODIC_JOBS.add(PeriodicJob('test.tick', '* * * * * *', {TICK!r}))\n"
             "from imbuto.cli import main\n"
             "raise SystemExit(main(['scheduler']))\n")


def start_scheduler(log, **extra):
    import subprocess

    with log.open("a") as out:
        return subprocess.Popen([sys.executable, "-c", SCHEDULER], stdout=out, stderr=subprocess.STDOUT,
                                env={**env(**extra), "DJANGO_SETTINGS_MODULE": "imbuto.settings"})


def db_ticks() -> list:
    return list(DBTaskResult.objects.filter(task_path=TICK).values_list("enqueued_at", flat=True))


def rq_ticks() -> list:
    from rq.job import Job

    conn = redis.Redis.from_url(REDIS_URL)
    ids = [i.decode() for i in conn.lrange("rq:queue:default", 0, -1)]
    jobs = [Job.fetch(i, connection=conn) for i in ids]
    return [j.enqueued_at for j in jobs if j.func_name == TICK]


@pytest.fixture
def clean_redis():
    conn = redis.Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield
    conn.flushdb()


@pytest.mark.parametrize("backend", ["db", "rq"])
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_fire_each_job_once_and_the_second_takes_over(backend, tmp_path, clean_redis):
    extra, ticks = ({}, db_ticks) if backend == "db" else (RQ, rq_ticks)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    first = start_scheduler(logs[0], **extra)
    second = None
    try:
        wait_until(lambda: "Holding the scheduler lock" in logs[0].read_text(), timeout=60)
        second = start_scheduler(logs[1], **extra)
        wait_until(lambda: "standing by" in logs[1].read_text(), timeout=60)
        time.sleep(4)
        first.send_signal(signal.SIGTERM)  # the holder stops: the one standing by takes over
        assert first.wait(30) == 0
        wait_until(lambda: "Holding the scheduler lock" in logs[1].read_text(), timeout=30)
        time.sleep(2)
    finally:
        for proc in (first, second):
            if proc and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)
    fired = ticks()
    per_second = Counter(t.replace(microsecond=0) for t in fired)
    assert len(fired) >= 5, (logs[0].read_text(), logs[1].read_text())
    assert max(per_second.values()) == 1, per_second  # never two schedulers firing the same second
    kind = "database lease" if backend == "db" else "Redis"
    assert f"({kind})" in logs[0].read_text()
    assert "Traceback" not in logs[0].read_text() + logs[1].read_text()


@pytest.mark.django_db
def test_the_lease_is_held_by_one_renewed_by_it_and_free_after_it_expires():
    a, b = LeaseLock("x", timeout=10), LeaseLock("x", timeout=10)
    with freeze_time("2026-12-03 08:00:00"):
        assert a.acquire(blocking=False) and not b.acquire(blocking=False)
    with freeze_time("2026-12-03 08:00:08"):
        assert a.extend(10) and not b.acquire(blocking=False)
    with freeze_time("2026-12-03 08:00:15"):
        assert not b.acquire(blocking=False)  # renewed at :08, good until :18
    with freeze_time("2026-12-03 08:00:19"):  # the holder died without a word
        assert b.acquire(blocking=False)
        with pytest.raises(LeaseLost):
            a.extend(10)
        assert not a.owned() and b.owned()
    b.release()
    assert not Lease.objects.exists()


@pytest.mark.django_db(transaction=True)  # fire() closes old connections, as its thread must
def test_periodic_jobs_enqueue_their_task_through_the_configured_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    schedule.fire(PeriodicJob("test.tick", "* * * * *", TICK))
    assert DBTaskResult.objects.filter(task_path=TICK).count() == 1


def test_the_registered_jobs_are_listed(capsys):
    call_command("scheduler", "--list")
    out = capsys.readouterr().out
    assert "intake.prune_idempotency: 5 * * * *" in out and "workers.prune_task_results" in out


@pytest.mark.parametrize(("cron", "says"), [
    ("every day", "is not a cron line"),
    ("0 3 * * 1", "name the days of the week"),
    ("0 25 * * *", "'0 25 * * *'"),
])
def test_a_bad_job_stops_the_start_and_is_named(monkeypatch, cron, says):
    monkeypatch.setattr(registry, "PERIODIC_JOBS", registry.Slot("jobs"))
    registry.PERIODIC_JOBS.add(PeriodicJob("broken.job", cron, TICK))
    from imbuto.workers.management.commands import scheduler

    monkeypatch.setattr(scheduler, "PERIODIC_JOBS", registry.PERIODIC_JOBS)
    with pytest.raises(CommandError, match="broken.job") as exc:
        call_command("scheduler", "--list")
    assert says in str(exc.value)


def test_a_job_naming_no_task_is_refused():
    with pytest.raises(schedule.JobError, match="no task"):
        schedule.task_for(PeriodicJob("x", "* * * * *", "imbuto.nowhere.task"))


def test_cron_lines_are_read_in_the_instance_time_zone(settings):
    trigger = schedule.trigger_for(PeriodicJob("x", "0 3 * * *", TICK))
    after = timezone.datetime(2026, 12, 3, 4, 0, tzinfo=timezone.get_default_timezone())
    nxt = trigger.get_next_fire_time(None, after)
    assert (nxt.hour, nxt.minute, nxt - after) == (3, 0, timedelta(hours=23))
    assert str(nxt.tzinfo) == settings.TIME_ZONE


@pytest.mark.django_db(transaction=True)
def test_a_scheduler_that_loses_its_lease_stops_firing_and_says_so(tmp_path):
    log = tmp_path / "s.log"
    proc = start_scheduler(log)
    try:
        wait_until(lambda: "Holding the scheduler lock" in log.read_text(), timeout=60)
        Lease.objects.update(holder="another", expires_at=timezone.now() + timedelta(hours=1))
        assert proc.wait(30) == 1  # renewal fails within LOCK_REFRESH_INTERVAL: it shuts down
    finally:
        if proc.poll() is None:
            proc.kill()
    fired = len(db_ticks())
    time.sleep(2)
    assert len(db_ticks()) == fired  # nothing fires any more
    assert "The scheduler lock was lost" in log.read_text()
