"""Deals end to end through the API: conversion (reusing an account and a contact), the list, moves
through one service with their refusals (won without an amount, lost without a reason, a stale
version, someone who may not change the deal), the account becoming a customer, events after commit,
and a lost deal's lead coming back on a controlled clock with why it was lost and what else to offer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from imbuto.core import events
from imbuto.deals import events as deal_events
from imbuto.deals.followup import recycle_due
from imbuto.deals.models import Deal, LossRecycling, Product
from imbuto.leads.models import Account, Contact, Lead
from imbuto.users.services import token_issue
from tests.api.conftest import assert_error
from tests.factories import AccountFactory, ContactFactory, LeadFactory

pytestmark = pytest.mark.django_db


def api(user):
    client = Client(headers={"Authorization": f"Bearer {token_issue(user=user, name='t')}"})

    def call(method, path, body=None, **query):
        kwargs = (
            {"data": json.dumps(body), "content_type": "application/json"}
            if body is not None
            else {"data": query}
        )
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


@pytest.fixture
def seen(monkeypatch):
    got = []
    monkeypatch.setattr(events, "deliver", lambda event: got.append(event))
    return got


def test_a_rep_converts_an_sql_and_closes_the_deal(rep, other_rep, seen, django_capture_on_commit_callbacks):
    account = AccountFactory(name="Rossi Srl", vat_id="IT01234567890", domain="rossi.it")
    contact = ContactFactory(email="sara@rossi.it", account=account)
    lead = LeadFactory(
        owner=rep,
        stage="sql",
        company_name="Rossi S.r.l.",
        vat_id="IT01234567890",
        email="sara@rossi.it",
        first_name="Sara",
        last_name="Rossi",
    )
    call = api(rep)
    with django_capture_on_commit_callbacks(execute=True):
        r = call("post", f"/leads/{lead.pk}/convert", {"name": "Linea 2", "expected_close": "2027-03-31"})
    assert r.status_code == 201, r.content
    ids = r.json()
    assert ids["account"] == account.pk and ids["contact"] == contact.pk  # reused, not duplicated
    assert Account.objects.count() == 1 and Contact.objects.count() == 1
    lead.refresh_from_db()
    assert lead.stage == "opportunity" and lead.account_id == account.pk
    deal = Deal.objects.get(pk=ids["deal"])
    assert deal.stage.key == "qualification" and deal.owner == rep and deal.lead == lead
    assert {type(e).__name__ for e in seen} >= {"DealCreated", "DealStageChanged"}
    assert_error(
        call("post", f"/leads/{lead.pk}/convert", {}), 409, "invalid_transition"
    )  # not an SQL any more

    # list, filters and the detail
    body = call("get", "/deals", status="open", owner="rita", search="linea").json()
    assert [d["id"] for d in body["items"]] == [deal.pk]
    assert call("get", "/deals", close_before="2027-01-01").json()["items"] == []
    assert api(other_rep)("get", f"/deals/{deal.pk}").status_code == 404

    # moves: the refusals first, then won
    assert_error(call("post", f"/deals/{deal.pk}/move", {"stage": "won"}), 422, field="amount")
    assert_error(call("post", f"/deals/{deal.pk}/move", {"stage": "lost"}), 422, field="lost_reason")
    assert_error(call("post", f"/deals/{deal.pk}/move", {"stage": "nowhere"}), 422, field="stage")
    ok = call("post", f"/deals/{deal.pk}/move", {"stage": "proposal", "version": 1})
    assert ok.status_code == 200 and ok.json()["stage_key"] == "proposal" and ok.json()["version"] == 2
    # a second person moving the same card from what they saw (version 1): told, nothing changes
    assert_error(
        call("post", f"/deals/{deal.pk}/move", {"stage": "negotiation", "version": 1}), 409, "conflict"
    )
    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        won = call("post", f"/deals/{deal.pk}/move", {"stage": "won", "amount": "12500.50", "version": 2})
    assert won.status_code == 200 and won.json()["status"] == "won"
    closed = [e for e in seen if isinstance(e, deal_events.DealClosed)]
    assert closed and closed[0].outcome == "won" and closed[0].account_ids == (account.pk,)
    account.refresh_from_db()
    lead.refresh_from_db()
    assert account.is_customer and lead.stage == "customer"
    assert_error(call("post", f"/deals/{deal.pk}/move", {"stage": "lost", "lost_reason": "price"}), 409)
    history = call("get", f"/deals/{deal.pk}/history").json()["items"]
    assert [h["action"] for h in history] == ["created", "moved", "moved"]
    assert "lead" in history[0]["note"].lower() or history[0]["reason_code"] == "deals.created_from_lead"


def test_refusals_of_conversion_and_of_moves_by_others(rep, other_rep, marketer, manager):
    merged_into = LeadFactory(owner=rep, stage="sql")
    merged = LeadFactory(owner=rep, stage="sql", merged_into=merged_into)
    assert_error(api(rep)("post", f"/leads/{merged.pk}/convert", {}), 409, "conflict")
    assert_error(api(rep)("post", f"/leads/{LeadFactory(owner=rep, stage='mql').pk}/convert", {}), 409)
    assert_error(api(marketer)("post", f"/leads/{merged_into.pk}/convert", {}), 403)
    deal_id = api(manager)(
        "post", "/deals", {"name": "Ampliamento", "owner": "rita", "amount": 900, "currency": "CHF"}
    ).json()["id"]
    assert_error(api(marketer)("post", f"/deals/{deal_id}/move", {"stage": "proposal"}), 403)
    assert api(other_rep)("post", f"/deals/{deal_id}/move", {"stage": "proposal"}).status_code == 404
    assert_error(api(rep)("post", "/deals", {"name": "X", "owner": "remo"}), 403)
    patched = api(rep)("patch", f"/deals/{deal_id}", {"competitor": "Acme", "currency": "USD"})
    assert patched.status_code == 200 and patched.json()["currency"] == "USD"


def test_a_lost_deal_comes_back_on_schedule_with_suggestions(rep, admin):
    LossRecycling.objects.filter(reason="competitor").update(delay_days=30, active=True)
    ours = Product.objects.create(code="MES", name="MES", family="software", unit_price=1000)
    other = Product.objects.create(code="KIT", name="Sensor kit", family="hardware", unit_price=300)
    lead = LeadFactory(owner=rep, stage="sql", company_name="Bianchi Spa")
    call = api(rep)
    deal_id = call(
        "post", f"/leads/{lead.pk}/convert", {"lines": [{"product": ours.pk, "quantity": 2}]}
    ).json()["deal"]
    assert Deal.objects.get(pk=deal_id).amount == 2000
    lost = call(
        "post",
        f"/deals/{deal_id}/move",
        {
            "stage": "lost",
            "lost_reason": "competitor",
            "competitor": "Acme",
            "competitor_product": "Acme MES",
        },
    )
    assert lost.status_code == 200, lost.content
    lead.refresh_from_db()
    assert lead.stage == "parked" and lead.disposition_reason == "bought_from_competitor"
    start = timezone.now()
    assert recycle_due(now=start + dt.timedelta(days=29)) == 0  # not yet
    assert recycle_due(now=start + dt.timedelta(days=31)) == 1
    assert recycle_due(now=start + dt.timedelta(days=32)) == 0  # once
    lead = Lead.objects.select_related("channel").get(pk=lead.pk)
    assert lead.stage == "lead" and lead.channel.slug == "lost-opportunity"
    notes = [h["note"] for h in call("get", f"/leads/{lead.pk}/history").json()["items"]]
    assert any("Acme" in n or "Competitor came first" in n for n in notes), notes
    back = call("get", f"/leads/{lead.pk}/win-back").json()
    assert back["because_of"] == deal_id and [p["id"] for p in back["suggested_products"]] == [other.pk]
    page = Client()
    page.force_login(rep)
    html = page.get(f"/leads/{lead.pk}/").content.decode()
    assert "Sensor kit" in html and "lead-win-back" in html
