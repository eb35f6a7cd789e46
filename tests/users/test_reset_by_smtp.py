"""The forgot-password email, sent through a real SMTP server on loopback (aiosmtpd) as EMAIL_URL
says, read back, and its link followed: it sets the password once and then no longer works."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from imbuto.core.email_url import parse_email_url
from tests.notifications.smtp import SmtpServer, free_port

PASSWORD = "Nuova-Password-2026"
pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SmtpServer() as server:
        settings.MAILERS = {"default": parse_email_url(server.url)}
        settings.DEFAULT_FROM_EMAIL = "Imbuto <leads@example.com>"
        yield server


def test_forgot_password_through_smtp_in_the_users_language(smtp, rep):
    cache.clear()
    rep.language = "it"
    rep.save()
    client = Client()
    res = client.post("/password/forgot/", {"email": rep.email})
    assert res.status_code == 302
    client.post("/password/forgot/", {"email": "stranger@example.com"})   # nothing goes out for it
    assert len(smtp.messages) == 1
    rcpt, message = smtp.messages[0]
    assert rcpt == [rep.email] and message["From"] == "Imbuto <leads@example.com>"
    assert message["Subject"] == "Scegli la tua password di Imbuto"
    body = message.get_content()
    assert "Il tuo nome utente è: rita" in body and "una sola volta" in body
    link = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)", body).group(1)

    page = client.get(link, follow=True)
    assert page.status_code == 200 and 'id="reset-form"' in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    res = client.post(set_url, {"new_password1": "abc", "new_password2": "abc"})
    assert res.status_code == 200 and "too short" in res.content.decode()  # validators apply here too
    res = client.post(set_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert res.status_code == 302 and res["Location"] == "/password/reset/done/"
    assert Client().login(username="rita", password=PASSWORD)

    again = Client().get(link, follow=True)  # the same link, a second time
    assert "This link no longer works" in again.content.decode()
    assert 'id="reset-form"' not in again.content.decode()


def test_an_unreachable_mail_server_is_an_error_for_the_admin_not_a_500(settings, admin, rep):
    settings.MAILERS = {"default": parse_email_url(f"smtp://127.0.0.1:{free_port()}?timeout=2")}
    client = Client()
    client.force_login(admin)
    res = client.post(f"/users/{rep.pk}/reset-password/", follow=True)
    assert res.status_code == 200 and "could not be sent" in res.content.decode()
    forgot = Client().post("/password/forgot/", {"email": rep.email})   # still the same answer
    assert forgot.status_code == 302 and forgot["Location"] == "/password/forgot/sent/"
