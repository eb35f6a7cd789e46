"""A worker killed in the middle of a sequence (issue 13): the next worker finishes it and each email
reaches the real SMTP server once. The worker dies in the worst place, after the server took the
second email's data and before it could answer: that email is not sent again (at most once,
docs/nurture.md) but marked uncertain and its owner told; the third goes out once."""

from __future__ import annotations

import signal

import pytest

from imbuto.notifications.models import Notification
from imbuto.nurture import mail, services
from imbuto.nurture.models import Message
from tests.factories import LeadFactory
from tests.workers.helpers import run, start, stop, wait_until

from .conftest import Smtp, make_sequence, template

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sequence_sends_each_email_once(settings, rep, tmp_path):
    settings.TASKS = DB_TASKS
    sequence = make_sequence(*({"kind": "email", "template": template(name, f"{name} mail")}
                               for name in ("First", "Second", "Third")))
    lead = LeadFactory(owner=rep, consent_basis="consent")
    with Smtp(hold_subject="Second", hold_seconds=1.5) as server:
        mail_env = {"EMAIL_URL": server.url, "IMBUTO_EMAIL_FROM": "news@example.com"}
        services.lead_enrol(actor=rep, sequence=sequence, lead=lead)  # commits: the advance task waits
        first = start(tmp_path / "first.log", "worker", "--interval", "0.2", **mail_env)
        try:
            assert server.inbox.holding.wait(60), (tmp_path / "first.log").read_text()
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first)
        states = dict(Message.objects.values_list("subject", "state"))
        assert states == {"First mail": "sent", "Second mail": "sending", "Third mail": "queued"}

        second = run("worker", "--batch", "--interval", "0.2", **mail_env)
        assert second.returncode == 0, second.stdout + second.stderr
        wait_until(lambda: len(server.inbox.messages) >= 3, timeout=10)
        mail.deliver(Message.objects.get(subject="Second mail").pk)  # a further retry changes nothing
        to_lead = sorted(str(m["Subject"]) for rcpt, m in server.inbox.messages if rcpt == [lead.email])
    assert to_lead == ["First mail", "Second mail", "Third mail"]  # each exactly once
    states = dict(Message.objects.values_list("subject", "state"))
    assert states == {"First mail": "sent", "Second mail": "uncertain", "Third mail": "sent"}
    told = Notification.objects.get(recipient=rep, code="nurture.uncertain")
    assert Message.objects.get(subject="Second mail").message_id in told.text
