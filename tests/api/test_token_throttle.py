"""Issue 8 finding 4, API side: repeated bad bearer tokens from one address get 429."""

import pytest
from django.test import Client, override_settings

from imbuto.core.models import AuditEvent
from imbuto.users.services import token_issue
from imbuto.users.throttle import TOKEN_FAILURES

pytestmark = pytest.mark.django_db


def get(token, ip="127.0.0.1", **extra):
    return Client(REMOTE_ADDR=ip).get("/api/v1/leads", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_bad_tokens_from_one_address_are_throttled_with_the_api_error_shape(rep):
    good = token_issue(user=rep)
    codes = {get(f"imb_wrong{i}").status_code for i in range(TOKEN_FAILURES)}
    assert codes == {401}
    throttled = get(good)
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 601
    assert throttled["Content-Type"].startswith("application/json")
    assert get(good, ip="198.51.100.4").status_code == 200
    assert AuditEvent.objects.filter(action="token_throttled", ip="127.0.0.1").count() == 1
    get("imb_wrong")
    assert AuditEvent.objects.filter(action="token_throttled").count() == 1


def test_good_tokens_do_not_count(rep):
    good = token_issue(user=rep)
    assert {get(good).status_code for _ in range(TOKEN_FAILURES + 5)} == {200}


@override_settings(IMBUTO_TRUSTED_PROXIES=1)
def test_a_forged_forwarded_for_does_not_escape_the_throttle(rep):
    for i in range(TOKEN_FAILURES):
        get("imb_wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 203.0.113.9")
    assert get("imb_x", HTTP_X_FORWARDED_FOR="10.0.0.200, 203.0.113.9").status_code == 429


def test_the_openapi_document_lists_429(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "429" in schema["paths"]["/api/v1/leads"]["get"]["responses"]
