"""Becoming a customer creates or links the account and contact, as a conversion would (issue 10,
item 12): an account is reused by VAT id, domain or name, a contact by email."""

import pytest

from imbuto.core.models import HistoryEntry
from imbuto.leads import services
from imbuto.leads.models import Account, Contact
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _to_customer(actor, lead):
    for stage in ("sql", "opportunity", "customer"):
        lead = services.lead_transition(actor=actor, lead=lead, to=stage)
    return lead


def _lead(owner, **extra):
    values = {"first_name": "Paolo", "last_name": "Neri", "email": "paolo@beta.it", "phone": "+39021234567",
              "company_name": "Beta SpA", "vat_id": "IT01234567890", "website": "https://www.beta.it"}
    return LeadFactory(owner=owner, **{**values, **extra})


def test_a_new_customer_gets_an_account_and_a_contact(rep):
    lead = _to_customer(rep, _lead(rep))
    assert lead.account is not None and lead.contact is not None
    account = lead.account
    assert (account.name, account.vat_id, account.domain) == ("Beta SpA", "IT01234567890", "beta.it")
    assert lead.account.is_customer and lead.account.owner == rep
    assert (lead.contact.email, lead.contact.account_id, lead.contact.owner) == ("paolo@beta.it",
                                                                                lead.account.pk, rep)
    entry = HistoryEntry.objects.filter(action="transition").latest("id")
    assert {"account", "contact"} <= set(entry.changes)


def test_an_existing_account_is_reused_by_vat_id_domain_or_name(rep):
    by_vat = Account.objects.create(name="Beta S.p.A.", vat_id="IT01234567890")
    assert _to_customer(rep, _lead(rep)).account == by_vat
    by_domain = Account.objects.create(name="Gamma Group", domain="gamma.it")
    lead = _to_customer(rep, _lead(rep, email="a@gamma.it", company_name="Gamma", vat_id="",
                                   website="gamma.it"))
    assert lead.account == by_domain
    by_name = Account.objects.create(name="Delta Srl")
    lead = _to_customer(rep, _lead(rep, email="b@delta.it", company_name="delta srl", vat_id="", website=""))
    assert lead.account == by_name and Account.objects.get(pk=by_name.pk).is_customer


def test_an_existing_contact_is_reused_by_email(rep):
    known = Contact.objects.create(first_name="Paolo", last_name="Neri", email="Paolo@Beta.it")
    lead = _to_customer(rep, _lead(rep))
    assert lead.contact == known and Contact.objects.count() == 1
    assert Contact.objects.get(pk=known.pk).account_id == lead.account_id


def test_the_ui_move_to_customer_links_them_too(rep):
    from django.test import Client

    lead = _lead(rep, stage="opportunity")
    client = Client()
    client.force_login(rep)
    client.post(f"/leads/{lead.pk}/transition/", {"to": "customer"})
    lead.refresh_from_db()
    assert lead.stage == "customer" and lead.account_id and lead.contact_id
