"""The same real task on both backends: another process calls `notify` (the notification is written and
its email task enqueued after commit, on the database or on Redis db 3 through RQ), a real
`imbuto worker` runs it and the email reaches a real SMTP server on loopback, once, even when the
task is enqueued again."""

from __future__ import annotations

import json

import pytest
import redis

from imbuto.notifications.models import EmailState, Notification
from tests.notifications.smtp import SmtpServer

from .helpers import REDIS_URL, RQ, python, run

BACKENDS = {"db": {"IMBUTO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}, "rq": RQ}
NOTIFY = """
from imbuto.notifications.services import notify
from imbuto.notifications.mail import send_emails
from imbuto.notifications.models import Notification
from django.db import connection
sent = notify([{user}], "lead.new_information", {{"lead": "Sara Gallo", "channel": "API"}},
              link="/leads/1/", key="backend-test")
ids = list(Notification.objects.filter(key="backend-test").values_list("pk", flat=True))
again = send_emails.enqueue(ids)   # a duplicate of the task notify() enqueued
print(json.dumps({{"sent": sent, "again": str(again.id)}}))
"""
RESULT = """
from imbuto.notifications.mail import send_emails
r = send_emails.get_result({id!r})
print(json.dumps({{"status": str(r.status), "value": r.return_value if r.is_finished else None}}))
"""


@pytest.fixture
def clean_redis():
    conn = redis.Redis.from_url(REDIS_URL)
    conn.flushdb()
    yield
    conn.flushdb()


@pytest.mark.parametrize("backend", sorted(BACKENDS))
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_notification_email_task_once(backend, rep, clean_redis):
    env = BACKENDS[backend]
    with SmtpServer() as smtp:
        mail = {"EMAIL_URL": smtp.url, "IMBUTO_BASE_URL": "https://crm.example.com", **env}
        done = python("import json\n" + NOTIFY.format(user=rep.pk), **mail)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert out["sent"] == 1
        assert smtp.messages == []  # enqueued, not run: no worker yet

        worker = run("worker", "--batch", **mail)
        assert worker.returncode == 0, worker.stdout + worker.stderr
        assert "Traceback" not in worker.stdout + worker.stderr

        assert [rcpt for rcpt, _ in smtp.messages] == [[rep.email]]
        assert "https://crm.example.com/leads/1/" in smtp.messages[0][1].get_content()
        assert Notification.objects.get().email_state == EmailState.SENT
        result = python("import json\n" + RESULT.format(id=out["again"]), **env)
        assert result.returncode == 0, result.stderr
        status = json.loads(result.stdout.strip().splitlines()[-1])
        assert status == {"status": "SUCCESSFUL", "value": {"sent": 0, "skipped": 0, "failed": 0}}
