"""Bearer tokens (hashed, revocable) and the browser session (with CSRF); everything else is 401."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from imbuto.users.models import ApiToken, hash_token
from imbuto.users.services import token_issue, token_revoke

from .conftest import assert_error

ENDPOINTS = [
    ("get", "/api/v1/leads"),
    ("post", "/api/v1/leads"),
    ("get", "/api/v1/leads/1"),
    ("patch", "/api/v1/leads/1"),
    ("post", "/api/v1/leads/1/transition"),
    ("get", "/api/v1/leads/1/history"),
    ("get", "/api/v1/accounts"),
    ("get", "/api/v1/contacts"),
    ("get", "/api/v1/campaigns"),
    ("get", "/api/v1/channels"),
    ("get", "/api/v1/users"),
    ("get", "/api/v1/teams"),
    ("get", "/api/v1/me"),
]


def _call(client, method, path, headers=None):
    kwargs = {"headers": headers or {}}
    if method in ("post", "patch"):
        kwargs.update(data="{}", content_type="application/json")
    return getattr(client, method)(path, **kwargs)


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_endpoint_needs_credentials(db, method, path):
    err = assert_error(_call(Client(), method, path), 401, "unauthorized")
    assert "Bearer" in err["message"]


@pytest.mark.parametrize("header", [
    "Bearer nope",
    "Bearer imb_" + "x" * 43,            # our format, but nobody's token
    "Bearer " + "a" * 5000,              # absurdly long
    "Token imb_whatever",                # another scheme
    "Basic cml0YTpwdw==",
    "Bearer",
])
def test_unknown_garbage_or_foreign_tokens_are_401(db, header):
    response = _call(Client(), "get", "/api/v1/leads", {"Authorization": header})
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_valid_token_authenticates_and_is_stored_only_hashed(rep):
    raw = token_issue(user=rep)
    token = ApiToken.objects.get(user=rep)
    assert token.key_hash == hash_token(raw) and raw not in (token.key_hash, token.hint)
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200 and response.json()["username"] == "rita"


def test_a_revoked_token_is_refused(rep):
    raw = token_issue(user=rep)
    auth = {"Authorization": f"Bearer {raw}"}
    assert Client().get("/api/v1/me", headers=auth).status_code == 200
    token_revoke(token_id=ApiToken.objects.get(user=rep).pk)
    assert_error(Client().get("/api/v1/me", headers=auth), 401, "unauthorized")


def test_an_expired_token_is_refused(rep):
    raw = token_issue(user=rep, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}), 401)


def test_an_inactive_users_token_is_refused(outsider):
    raw = token_issue(user=outsider)
    assert_error(Client().get("/api/v1/leads", headers={"Authorization": f"Bearer {raw}"}), 401)


def test_the_browser_session_reads_without_a_token(rep, rep_lead):
    client = Client()
    client.force_login(rep)
    response = client.get("/api/v1/leads")
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["items"]] == [rep_lead.pk]


def test_an_inactive_users_session_is_refused(outsider):
    client = Client()
    client.force_login(outsider)
    assert_error(client.get("/api/v1/me"), 401)


def test_unsafe_methods_over_the_session_need_the_csrf_token(rep):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep)
    body = '{"first_name": "Ugo"}'
    refused = client.post("/api/v1/leads", body, content_type="application/json")
    assert_error(refused, 403, "csrf_failed")
    client.get("/api/v1/docs")  # any page that renders the token sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/api/v1/leads", body, content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content


def test_a_bad_token_is_401_even_with_a_valid_session(rep):
    client = Client()
    client.force_login(rep)
    assert_error(client.get("/api/v1/me", headers={"Authorization": "Bearer imb_revoked"}), 401)


def test_a_token_needs_no_csrf(api_as, rep):
    client = api_as(rep)
    client.client = Client(enforce_csrf_checks=True)
    assert client.post("/api/v1/leads", {"first_name": "Ugo"}).status_code == 201
