"""Customers: a won deal makes a customer (once), feedback and the referral-ask task (once per
feedback), problems resolved and reopened with history, purchases first and repeat, the API's bad
input answered 4xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from imbuto.activities.models import Activity
from imbuto.core import events
from imbuto.core.history import history_of
from imbuto.customers import selectors, services
from imbuto.customers.models import CustomerProfile, Feedback, Problem
from imbuto.deals.events import DealClosed
from tests.factories import AccountFactory, ContactFactory

pytestmark = pytest.mark.django_db


def test_a_won_deal_makes_its_account_a_customer_once(account, won_deal, committed):
    first, later = won_deal(account, days_ago=30), won_deal(account, days_ago=2)
    for deal in (later, first, later):  # a retried task, the same fact told twice
        with committed():
            events.emit(DealClosed(deal_ids=(deal.pk,), outcome="won", account_ids=(account.pk,)))
    account.refresh_from_db()
    assert account.is_customer
    profile = CustomerProfile.objects.get(account=account)
    assert profile.since == first.closed_at and profile.first_deal == first  # the earliest won deal
    entries = [e for e in history_of(account) if e.action == "became_customer"]
    assert len(entries) == 1 and entries[0].changes == {"is_customer": [False, True]}
    assert entries[0].reason_code == "customers.won_deal"
    with committed():  # a lost deal makes no customer
        other = AccountFactory(owner=account.owner)
        events.emit(DealClosed(deal_ids=(won_deal(other, status="lost").pk,), outcome="lost"))
    other.refresh_from_db()
    assert not other.is_customer


def test_a_good_score_gives_the_owner_one_task_to_ask_for_referrals(api_as, rep, account, contact, committed,
                                                                     settings):
    settings.IMBUTO_REFERRAL_ASK_DAYS = 5
    api = api_as(rep)
    with committed():
        good = api.post("/api/v1/customers/feedback", {"account": account.pk, "score": 9,
                                                       "contact": contact.pk, "comment": "Ottimo servizio"})
        poor = api.post("/api/v1/customers/feedback", {"account": account.pk, "score": 6})
    assert good.status_code == 201, good.json()
    assert poor.status_code == 201 and poor.json()["band"] == "detractor"
    [task] = Activity.objects.filter(account=account)
    assert task.kind == "task" and task.owner == rep and task.contact == contact and not task.done_at
    assert dt.timedelta(days=4, hours=23) < task.due_at - timezone.now() <= dt.timedelta(days=5)
    assert "Nord Srl" in task.subject
    feedback = Feedback.objects.get(pk=good.json()["id"])
    assert feedback.referral_task == task and feedback.band == "promoter"
    assert services.referral_ask(feedback.pk) is None  # once per feedback
    assert api.get(f"/api/v1/customers/feedback/{feedback.pk}").json()["referral_task"] == task.pk
    assert {e.action for e in history_of(feedback)} == {"created", "referral_task"}
    listed = api.get("/api/v1/customers/feedback", account=account.pk, min_score=7).json()
    assert [f["id"] for f in listed["items"]] == [feedback.pk]
    page = api.get("/api/v1/customers/feedback", ordering="score", limit=1).json()
    assert page["items"][0]["score"] == 6 and page["next_cursor"]
    rest = api.get("/api/v1/customers/feedback", ordering="score", limit=1, cursor=page["next_cursor"]).json()
    assert rest["items"][0]["score"] == 9 and rest["next_cursor"] is None


def test_feedback_refuses_bad_input_and_strangers(api_as, rep, other_rep, marketer, account):
    elsewhere = ContactFactory(account=AccountFactory())
    api = api_as(rep)
    for body, field in [({"account": account.pk, "score": 11}, "score"),
                        ({"account": account.pk, "score": "9"}, "score"),
                        ({"account": account.pk, "score": 5, "contact": elsewhere.pk}, "contact"),
                        ({"account": 2**63, "score": 5}, "account"),
                        ({"account": account.pk, "score": 5, "color": "red"}, "color")]:
        response = api.post("/api/v1/customers/feedback", body)
        assert response.status_code == 422, (body, response.json())
        assert response.json()["error"]["code"] == "validation_error"
        assert field in str(response.json()["error"]["fields"]), response.json()
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    assert api.post("/api/v1/customers/feedback", {"account": account.pk, "score": 5, "at": future}
                    ).json()["error"]["fields"] == {"at": ["In the future."]}
    assert api_as(other_rep).post("/api/v1/customers/feedback", {"account": account.pk, "score": 5}
                                  ).status_code == 422  # an account remo cannot see does not exist for him
    assert api_as(marketer).post("/api/v1/customers/feedback", {"account": account.pk, "score": 5}
                                 ).status_code == 403  # marketers read
    assert api_as(rep).get("/api/v1/customers/feedback", ordering="name").status_code == 422
    assert Feedback.objects.count() == 0


def test_problems_are_resolved_and_reopened_with_history(api_as, rep, other_rep, account):
    api = api_as(rep)
    created = api.post("/api/v1/customers/problems", {"account": account.pk, "title": "Fattura errata"})
    assert created.status_code == 201 and created.json()["status"] == "open"
    pk = created.json()["id"]
    assert api_as(other_rep).post(f"/api/v1/customers/problems/{pk}/resolve",
                                  {"resolution": "x"}).status_code == 404
    assert api.post(f"/api/v1/customers/problems/{pk}/resolve", {"resolution": ""}).status_code == 422
    resolved = api.post(f"/api/v1/customers/problems/{pk}/resolve", {"resolution": "Nota di credito"})
    assert resolved.status_code == 200 and resolved.json()["resolved_at"]
    again = api.post(f"/api/v1/customers/problems/{pk}/resolve", {"resolution": "?"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    assert api.post(f"/api/v1/customers/problems/{pk}/reopen", {}).json()["status"] == "open"
    assert api.get("/api/v1/customers/problems", status="open").json()["items"][0]["id"] == pk
    problem = Problem.objects.get(pk=pk)
    assert [e.action for e in history_of(problem).order_by("at", "id")] == ["created", "resolved", "reopened"]
    assert history_of(problem).get(action="resolved").changes["resolution"] == ["", "Nota di credito"]


def test_purchases_are_numbered_first_and_repeat(api_as, rep, other_rep, manager, account, won_deal):
    won_deal(account, "500.00", days_ago=200)
    won_deal(account, "1200.00", days_ago=10)
    won_deal(account, "900.00", days_ago=1, owner=other_rep)  # a deal rita may not open
    won_deal(account, "7.00", status="open")
    services.customer_mark(actor=None, account_id=account.pk)
    body = api_as(rep).get(f"/api/v1/accounts/{account.pk}/purchases").json()
    assert body["is_customer"] and body["count"] == 3
    assert [(i["number"], i["repeat"], i["amount"]) for i in body["items"]] == [
        (1, False, "500.00"), (2, True, "1200.00")]
    assert body["totals"] == {"EUR": "1700.00"} and body["first_at"] < body["last_at"]
    assert len(api_as(manager).get(f"/api/v1/accounts/{account.pk}/purchases").json()["items"]) == 2
    assert api_as(other_rep).get(f"/api/v1/accounts/{account.pk}/purchases").status_code == 404


@pytest.mark.one_database
def test_score_summary_is_the_net_promoter_score():
    summary = selectors.score_summary([10, 9, 8, 7, 6, 0, 10, 9])
    assert (summary.promoters, summary.passives, summary.detractors) == (4, 2, 2)
    assert summary.nps == 25 and summary.average == 7.4
    assert selectors.score_summary([]).nps is None
