"""Bearer tokens are remembered in the process for a few seconds (no query per request), without
weakening the rules: revocation, expiry and deactivation still refuse the token."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imbuto.users import services
from imbuto.users.models import ApiToken, User
from imbuto.users.services import token_authenticate, token_issue, token_revoke
from tests.api.conftest import assert_error


@pytest.fixture(autouse=True)
def _empty_cache():
    services.token_cache_clear()
    yield
    services.token_cache_clear()


def _token_queries(queries) -> int:
    return sum(ApiToken._meta.db_table in q["sql"] for q in queries.captured_queries)


def _me(raw):
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})


def test_a_known_token_costs_no_query_on_later_requests(rep):
    raw = token_issue(user=rep)
    with CaptureQueriesContext(connection) as first:
        assert _me(raw).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert _me(raw).json()["username"] == "rita"
    assert _token_queries(first) >= 1
    assert _token_queries(second) == 0


def test_each_request_gets_its_own_user_object(rep):
    raw = token_issue(user=rep)
    a, b = token_authenticate(raw), token_authenticate(raw)
    assert a == b == rep and a is not b
    a.first_name = "changed by one request"
    assert token_authenticate(raw).first_name == rep.first_name


def test_revocation_in_this_process_is_immediate(rep):
    raw = token_issue(user=rep)
    assert _me(raw).status_code == 200
    token_revoke(token_id=ApiToken.objects.get(user=rep).pk)
    assert_error(_me(raw), 401, "unauthorized")


def test_deactivating_the_user_in_this_process_is_immediate(rep):
    raw = token_issue(user=rep)
    assert _me(raw).status_code == 200
    rep.is_active = False
    rep.save()
    assert_error(_me(raw), 401, "unauthorized")


def test_a_role_change_in_this_process_is_seen_at_once(rep):
    raw = token_issue(user=rep)
    assert _me(raw).json()["role"] == "rep"
    rep.role = "marketer"
    rep.save()
    assert _me(raw).json()["role"] == "marketer"


def test_a_revocation_by_another_process_is_honoured_after_the_cache_seconds(rep, monkeypatch):
    """Another process (the CLI, another worker) cannot clear this cache: a queryset update stands
    for it (no signal). The token is refused once TOKEN_CACHE_SECONDS have passed."""
    raw = token_issue(user=rep)
    assert token_authenticate(raw) == rep
    ApiToken.objects.filter(user=rep).update(revoked_at=timezone.now())
    User.objects.filter(pk=rep.pk).update(is_active=False)
    later = services._clock() + services.TOKEN_CACHE_SECONDS + 1
    monkeypatch.setattr(services, "_clock", lambda: later)
    assert token_authenticate(raw) is None
    assert_error(_me(raw), 401, "unauthorized")


def test_a_token_expiring_while_cached_is_refused_at_once(rep, monkeypatch):
    raw = token_issue(user=rep, expires_at=timezone.now() + dt.timedelta(minutes=5))
    assert token_authenticate(raw) == rep
    future = timezone.now() + dt.timedelta(minutes=6)
    monkeypatch.setattr(services.timezone, "now", lambda: future)
    assert token_authenticate(raw) is None


def test_last_use_is_written_at_most_once_a_minute(rep, monkeypatch):
    raw = token_issue(user=rep)
    assert token_authenticate(raw) == rep
    first = ApiToken.objects.get(user=rep).last_used_at
    assert first is not None
    clock = services._clock()
    monkeypatch.setattr(services, "_clock", lambda: clock + services.TOKEN_CACHE_SECONDS + 1)
    token_authenticate(raw)  # checked again in the database, but used less than a minute ago
    assert ApiToken.objects.get(user=rep).last_used_at == first
    later = timezone.now() + dt.timedelta(seconds=services.LAST_USED_EVERY + 1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    monkeypatch.setattr(services, "_clock", lambda: clock + 2 * services.TOKEN_CACHE_SECONDS + 2)
    token_authenticate(raw)
    assert ApiToken.objects.get(user=rep).last_used_at == later


def test_unknown_tokens_are_never_cached(rep):
    assert token_authenticate("imb_nope") is None
    assert not services._tokens
