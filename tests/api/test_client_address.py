"""Issue 9 section 5: one client address (core.net.client_ip) for rate limits and audit records,
believing X-Forwarded-For only as far as IMBUTO_TRUSTED_PROXIES."""

import pytest
from django.test import Client, RequestFactory, override_settings

from imbuto.core.models import AuditEvent
from imbuto.core.net import client_ip

rf = RequestFactory()


def ip(forwarded=None, remote="10.0.0.2"):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(rf.get("/", REMOTE_ADDR=remote, **extra))


def test_without_a_trusted_proxy_the_header_is_ignored():
    assert ip("203.0.113.7") == "10.0.0.2"


@override_settings(IMBUTO_TRUSTED_PROXIES=1)
def test_one_proxy_the_address_it_appended_wins_over_what_the_client_wrote():
    assert ip("1.1.1.1, 203.0.113.7") == "203.0.113.7"
    assert ip("203.0.113.7") == "203.0.113.7"
    assert ip("") == "10.0.0.2"  # no header: not through the proxy
    assert ip("garbage") == "10.0.0.2"
    assert ip("[2001:db8::1]:443") == "2001:db8::1"


@override_settings(IMBUTO_TRUSTED_PROXIES=2)
def test_two_proxies_and_too_short_a_chain_falls_back_to_the_peer():
    assert ip("1.1.1.1, 203.0.113.7, 10.0.0.9") == "203.0.113.7"
    assert ip("203.0.113.7") == "10.0.0.2"


@pytest.mark.django_db
@override_settings(IMBUTO_TRUSTED_PROXIES=1)
def test_audit_records_written_during_a_request_carry_the_client_address(rep, other_lead):
    client = Client(REMOTE_ADDR="127.0.0.1")
    client.force_login(rep)
    response = client.get(f"/api/v1/leads/{other_lead.pk}", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23")
    assert response.status_code == 404
    assert AuditEvent.objects.exists()
    assert set(AuditEvent.objects.values_list("ip", flat=True)) == {"198.51.100.23"}


@pytest.mark.django_db
def test_a_forwarded_header_without_trusted_proxies_is_logged_once(client, caplog, monkeypatch):
    from imbuto.core.net import ClientAddressMiddleware

    monkeypatch.setattr(ClientAddressMiddleware, "warned", False)
    for _ in range(2):
        client.get("/login/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    warnings = [r for r in caplog.records if "IMBUTO_TRUSTED_PROXIES is 0" in r.getMessage()]
    assert len(warnings) == 1
