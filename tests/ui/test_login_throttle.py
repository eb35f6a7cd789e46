"""Issue 8 finding 4: password guessing on the login page is throttled by user and by address."""

import pytest
from django.test import Client, override_settings

from imbuto.core.models import AuditEvent

from ..factories import UserFactory

PASSWORD = "pw-Imbuto-2026"
pytestmark = pytest.mark.django_db


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_the_right_password_is_refused_after_too_many_wrong_ones():
    UserFactory(username="rita")
    client = Client()
    codes = [login(client, "rita", f"wrong-{i}").status_code for i in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = login(client, "rita", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert int(locked["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="login_locked_out")
    assert event.detail["username"] == "rita" and event.ip == "127.0.0.1"


def test_a_locked_username_stays_locked_from_another_address():
    UserFactory(username="rita")
    for i in range(5):
        login(Client(REMOTE_ADDR="198.51.100.1"), "rita", f"wrong-{i}")
    assert login(Client(REMOTE_ADDR="198.51.100.2"), "rita", PASSWORD).status_code == 429


def test_one_address_guessing_many_usernames_is_locked():
    UserFactory(username="remo")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(5):
        login(client, f"nobody{i}", "whatever")
    assert login(client, "remo", PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="198.51.100.8"), "remo", PASSWORD).status_code == 302


def test_a_success_before_the_limit_clears_the_count():
    UserFactory(username="rita")
    client = Client()
    for i in range(4):
        login(client, "rita", f"wrong-{i}")
    assert login(client, "rita", PASSWORD).status_code == 302
    client.logout()
    for i in range(4):
        login(client, "rita", f"wrong-{i}")
    assert login(client, "rita", PASSWORD).status_code == 302


@override_settings(IMBUTO_TRUSTED_PROXIES=1)
def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_the_forged_one():
    UserFactory(username="remo")
    for i in range(5):  # each request forges a different leftmost address
        login(Client(REMOTE_ADDR="127.0.0.1"), f"nobody{i}", "x",
              HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 203.0.113.5")
    assert login(Client(), "remo", PASSWORD, HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.5").status_code == 429
    assert login(Client(), "remo", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_the_lockout_message_is_translated():
    UserFactory(username="rita")
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    for i in range(5):
        login(client, "rita", f"wrong-{i}")
    page = login(client, "rita", PASSWORD).content.decode()
    assert "Troppi tentativi di accesso falliti" in page


def test_authenticate_without_a_request_still_works_for_scripts():
    from django.contrib.auth import authenticate

    user = UserFactory(username="rita")
    assert authenticate(username="rita", password=PASSWORD) == user
