"""The account page's customer panels and forms, in Italian, and the Customers page: feedback recorded,
a problem resolved, a referral captured through intake's referral channel and credited to the account."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imbuto.customers.models import Feedback, Problem
from imbuto.intake.models import Referral
from imbuto.leads.models import Lead

pytestmark = pytest.mark.django_db


def test_a_rep_records_feedback_a_problem_and_a_referral_on_the_account_page(client_as, rep, marketer,
                                                                             account, contact, won_deal):
    won_deal(account, "800.00", days_ago=3)
    client = client_as(rep, "it")
    page = reverse("leads:account_detail", args=[account.pk])
    html = client.get(page).content.decode()
    for part in ("customer-purchases", 'id="feedback-form"', 'id="problem-form"', 'id="referral-form"',
                 "Registra una referenza", "Primo"):
        assert part in html, part

    response = client.post(reverse("customers:feedback_create", args=[account.pk]),
                           {"score": "10", "comment": "Bravissimi", "contact": contact.pk})
    assert response.status_code == 302 and response["Location"].endswith("#customer-feedback")
    assert Feedback.objects.get().score == 10
    bad = client.post(reverse("customers:feedback_create", args=[account.pk]), {"score": "12"}, follow=True)
    assert Feedback.objects.count() == 1 and "Punteggio" in bad.content.decode()

    client.post(reverse("customers:problem_create", args=[account.pk]), {"title": "Consegna in ritardo"})
    problem = Problem.objects.get()
    client.post(reverse("customers:problem_resolve", args=[problem.pk]), {"resolution": "Nuovo corriere"})
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.resolution == "Nuovo corriere"

    response = client.post(reverse("customers:referral_create", args=[account.pk]),
                           {"first_name": "Luisa", "last_name": "Verdi", "email": "luisa.verdi@example.it",
                            "contact": contact.pk, "note": "Cugina del titolare"})
    assert response.status_code == 302
    lead = Lead.objects.get(email="luisa.verdi@example.it")
    assert lead.channel.slug == "referral" and lead.referrer_account == account
    assert lead.referrer_contact == contact
    assert Referral.objects.get(lead=lead).note == "Cugina del titolare"
    assert lead.sources.filter(kind="referral").exists()
    html = client.get(page).content.decode()
    assert "Luisa Verdi" in html and "Bravissimi" in html and "Nuovo corriere" in html

    overview = client.get(reverse("customers:overview")).content.decode()
    assert "Bravissimi" in overview and 'id="nps">100<' in overview
    readonly = client_as(marketer, "it").get(page).content.decode()
    assert "Bravissimi" in readonly and 'id="feedback-form"' not in readonly
    assert client_as(marketer).post(reverse("customers:feedback_create", args=[account.pk]),
                                    {"score": "3"}).status_code == 403


def test_a_referral_with_a_malformed_email_is_refused(client_as, rep, account):
    response = client_as(rep, "it").post(reverse("customers:referral_create", args=[account.pk]),
                                         {"last_name": "Neri", "email": "not-an-email"}, follow=True)
    assert "Email: Inserisci un indirizzo email valido." in response.content.decode()
    assert not Lead.objects.filter(last_name="Neri").exists()
