"""Notifications by email (issue 11): `notify` writes one notification per person and a task emails
it through a real SMTP server on loopback, in the reader's language, once, unless they switched
email off; a mail server that is away is tried again later, and still once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from imbuto.core.email_url import parse_email_url
from imbuto.notifications import mail
from imbuto.notifications.messages import NEW_INFORMATION
from imbuto.notifications.models import EmailState, Notification
from imbuto.notifications.services import notify

from .smtp import SmtpServer, free_port

PARAMS = {"lead": "Sara Gallo", "lead_id": 7, "channel": {"en": "Website", "it": "Sito web"}}
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = {"default": parse_email_url(server.url)}
        settings.DEFAULT_FROM_EMAIL = "Imbuto <leads@example.com>"
        settings.IMBUTO_BASE_URL = "https://crm.example.com"
        yield server


@pytest.fixture
def tell(tasks_immediate, django_capture_on_commit_callbacks):
    """notify() as a task would call it, its after-commit email task run at once."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return notify(*args, **kwargs)

    return run


def test_each_person_gets_one_email_in_their_language(smtp, tell, rep, manager):
    rep.language = "it"
    rep.save()
    assert tell([rep, manager.pk], NEW_INFORMATION, PARAMS, link="/leads/7/", key="merge:1") == 2
    by_rcpt = {tuple(rcpt): msg for rcpt, msg in smtp.messages}
    assert set(by_rcpt) == {(rep.email,), (manager.email,)}
    italian, english = by_rcpt[(rep.email,)], by_rcpt[(manager.email,)]
    assert italian["Subject"] == "Imbuto: Nuove informazioni sul lead Sara Gallo dal canale Sito web."
    assert english["Subject"] == "Imbuto: New information arrived on lead Sara Gallo from Website."
    assert italian["From"] == "Imbuto <leads@example.com>"
    body = italian.get_content()
    assert "https://crm.example.com/leads/7/" in body and "https://crm.example.com/notifications/" in body
    assert "Apri in Imbuto" in body
    note = Notification.objects.get(recipient=rep)
    assert italian["Message-ID"] == f"<imbuto-notification-{note.pk}@example.com>"
    assert note.email_state == EmailState.SENT


def test_a_retried_task_or_a_repeated_notify_sends_nothing_twice(smtp, tell, rep):
    tell([rep], NEW_INFORMATION, PARAMS, key="merge:2")
    note = Notification.objects.get()
    mail.send_emails.call([note.pk])            # the same task again (a retry, a duplicate)
    assert tell([rep], NEW_INFORMATION, PARAMS, key="merge:2") == 0   # the same fact again
    assert len(smtp.messages) == 1 and Notification.objects.count() == 1


def test_a_person_who_switched_email_off_is_told_in_the_app_only(smtp, tell, rep, client_as, api_as):
    page = client_as(rep).get("/notifications/")
    assert 'id="email-preference"' in page.content.decode() and "Stop the emails" in page.content.decode()
    assert client_as(rep).post("/notifications/email/", {"email": "0"}).status_code == 302
    assert api_as(rep).get("/api/v1/notifications/preferences").json() == {"email": False}
    tell([rep], NEW_INFORMATION, PARAMS, key="merge:3")
    assert smtp.messages == []
    assert Notification.objects.get().email_state == EmailState.SKIPPED
    assert "Email them to me too" in client_as(rep).get("/notifications/").content.decode()

    client = api_as(rep)
    response = client.client.put("/api/v1/notifications/preferences", '{"email": true}',
                                 content_type="application/json", headers=client._headers())
    assert response.status_code == 200 and response.json() == {"email": True}
    tell([rep], NEW_INFORMATION, PARAMS, key="merge:4")
    assert len(smtp.messages) == 1


def test_the_preference_api_refuses_a_bad_body(rep, api_as):
    client = api_as(rep)
    response = client.client.put("/api/v1/notifications/preferences", '{"email": "perhaps"}',
                                 content_type="application/json", headers=client._headers())
    assert response.status_code == 422


def test_one_persons_preference_is_theirs_alone(smtp, tell, rep, manager, client_as):
    client_as(manager).post("/notifications/email/", {"email": "0"})
    tell([rep, manager], NEW_INFORMATION, PARAMS, key="merge:5")
    assert [rcpt for rcpt, _ in smtp.messages] == [[rep.email]]


def test_nobody_without_an_address_or_inactive_is_mailed(smtp, tell, rep, outsider):
    rep.email = ""
    rep.save()
    tell([rep, outsider], NEW_INFORMATION, PARAMS)
    assert smtp.messages == []
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.SKIPPED}


def test_a_mail_server_that_is_away_is_tried_again_later_and_mails_once(settings, rep):
    port = free_port()
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{port}?timeout=2")}
    notify([rep], NEW_INFORMATION, PARAMS, key="merge:6")
    note = Notification.objects.get()
    with pytest.raises(mail.DeliveryFailed):
        mail.deliver([note.pk])
    note.refresh_from_db()
    assert note.email_state == EmailState.PENDING  # still due
    with SmtpServer(port) as server, freeze_time(timezone.now() + timedelta(minutes=5)):
        assert mail.retry_emails.call() == {"sent": 1, "skipped": 0, "failed": 0}
        assert mail.retry_emails.call() == {"sent": 0, "skipped": 0, "failed": 0}
    assert len(server.messages) == 1


def test_a_claim_left_by_a_dead_worker_expires_and_the_email_goes(smtp, rep):
    notify([rep], NEW_INFORMATION, PARAMS, key="merge:7")
    note = Notification.objects.get()
    Notification.objects.filter(pk=note.pk).update(email_state=EmailState.SENDING, email_at=timezone.now())
    assert mail.deliver([note.pk])["sent"] == 0  # another worker holds it
    with freeze_time(timezone.now() + timedelta(seconds=mail.CLAIM_SECONDS + 1)):
        assert mail.deliver([note.pk])["sent"] == 1
    assert len(smtp.messages) == 1


def test_an_unknown_code_is_refused_so_no_raw_code_reaches_anyone(rep):
    with pytest.raises(ValueError, match="register it"):
        notify([rep], "routing.nonsense", {})
