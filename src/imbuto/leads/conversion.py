"""A lead gets its account and contact: when it becomes a customer, and when deals converts it into
a deal (`link_records`). An existing account is reused by VAT id, then web domain, then name; a
contact by email."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from imbuto.core import history

from .models import Account, Contact, Lead

ADDRESS = ("street", "postal_code", "city", "region", "country")


def _domain(website: str) -> str:
    if not website:
        return ""
    host = urlsplit(website if "://" in website else f"https://{website}").hostname or ""
    return host.removeprefix("www.").lower()


def _account(lead: Lead, actor: Any, customer: bool = True) -> Account | None:
    if not (lead.company_name or lead.vat_id):
        return None
    domain = _domain(lead.website)
    found = None
    if lead.vat_id:
        found = Account.objects.filter(vat_id__iexact=lead.vat_id).order_by("pk").first()
    if found is None and domain:
        found = Account.objects.filter(domain=domain).order_by("pk").first()
    if found is None and lead.company_name:
        found = Account.objects.filter(name__iexact=lead.company_name.strip()).order_by("pk").first()
    if found is not None:
        if customer and not found.is_customer:
            found.is_customer = True
            found.save(update_fields=["is_customer", "updated_at"])
        return found
    account = Account.objects.create(
        name=(lead.company_name or lead.vat_id)[:200], website=lead.website[:200], domain=domain,
        vat_id=lead.vat_id[:30], industry=lead.industry[:100], size_band=lead.size_band,
        owner_id=lead.owner_id, is_customer=customer, **{f: getattr(lead, f) for f in ADDRESS})
    history.record(account, actor=actor, action="created", reason="customer" if customer else "")
    return account


def _contact(lead: Lead, account: Account | None, actor: Any, customer: bool = True) -> Contact | None:
    if not (lead.first_name or lead.last_name or lead.email or lead.phone):
        return None
    if lead.email:
        found = Contact.objects.filter(email__iexact=lead.email).order_by("pk").first()
        if found is not None:
            if found.account_id is None and account is not None:
                found.account = account
                found.save(update_fields=["account", "updated_at"])
            return found
    contact = Contact.objects.create(
        account=account, first_name=lead.first_name[:100], last_name=lead.last_name[:100],
        job_title=lead.job_title[:150], email=lead.email[:254], phone=lead.phone[:40],
        language=lead.language[:8], owner_id=lead.owner_id)
    history.record(contact, actor=actor, action="created", reason="customer" if customer else "")
    return contact


def link_customer(lead: Lead, *, actor: Any) -> dict[str, tuple[Any, Any]]:
    """Set the account and contact of a lead that becomes a customer (in the caller's transaction);
    the {field: (old id, new id)} that changed, for the transition's history entry."""
    return link_records(lead, actor=actor, customer=True)


def link_records(lead: Lead, *, actor: Any, customer: bool) -> dict[str, tuple[Any, Any]]:
    """Set the lead's account and contact, reusing matching ones (not saved: the caller saves the
    lead in its transaction); `customer` marks an account found or created as a customer. Returns
    the {field: (old id, new id)} that changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    account = lead.account if lead.account_id else _account(lead, actor, customer)
    if account is not None and lead.account_id != account.pk:
        changes["account"] = (lead.account_id, account.pk)
        lead.account = account
    if not lead.contact_id:
        contact = _contact(lead, account, actor, customer)
        if contact is not None:
            changes["contact"] = (None, contact.pk)
            lead.contact = contact
    return changes
