"""Writes on accounts, contacts and campaigns: permission check, validation, history, one transaction."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from imbuto.core import history, permissions
from imbuto.core.errors import Conflict, ValidationFailed, from_django_validation
from imbuto.core.types import Actor

from .models import Account, Campaign, Contact

ACCOUNT_FIELDS = ("name", "website", "vat_id", "industry", "size_band", "street", "postal_code",
                  "city", "region", "country", "owner")
CONTACT_FIELDS = ("account", "first_name", "last_name", "job_title", "email", "phone", "language",
                  "owner")
CAMPAIGN_FIELDS = ("name", "channel", "starts_on", "ends_on", "cost", "currency", "owner")


def _clean(obj: models.Model) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _only(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationFailed("Some fields cannot be set here.",
                               fields={f: ["Not editable."] for f in unknown})
    return values


def _create[M: models.Model](obj: M, *, actor: Actor, reason: str = "") -> M:
    """The creator owns what they create unless an owner is given; `can` decides the rest."""
    if getattr(obj, "owner_id", None) is None and hasattr(obj, "owner") and getattr(actor, "pk", None):
        obj.owner = actor
    if actor is not None:
        permissions.require(actor, "create", obj)
    _clean(obj)
    try:
        with transaction.atomic():
            obj.save()
            history.record(obj, actor=actor, action="created", reason=reason)
    except IntegrityError as exc:
        raise Conflict(f"This {obj._meta.verbose_name} conflicts with an existing one.") from exc
    return obj


def _update[M: models.Model](obj: M, *, actor: Actor, values: dict[str, Any], fields: tuple[str, ...],
            reason: str = "") -> M:
    _only(values, fields)
    if actor is not None:
        permissions.require(actor, "change", obj)
    try:
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            before = {f: getattr(locked, f) for f in values}
            for field, value in values.items():
                setattr(locked, field, value)
            _clean(locked)
            changes = {f: (before[f], getattr(locked, f)) for f in values if before[f] != getattr(locked, f)}
            if changes:
                locked.save()
                history.record(locked, actor=actor, action="updated", changes=changes, reason=reason)
    except IntegrityError as exc:
        raise Conflict(f"This {obj._meta.verbose_name} conflicts with an existing one.") from exc
    return locked


def account_create(*, actor: Actor, data: dict[str, Any]) -> Account:
    """A new company account; a rep or marketer owns the accounts they create."""
    return _create(Account(**_only(data, ACCOUNT_FIELDS)), actor=actor)


def account_update(*, actor: Actor, account: Account, values: dict[str, Any]) -> Account:
    return _update(account, actor=actor, values=values, fields=ACCOUNT_FIELDS)


def contact_create(*, actor: Actor, data: dict[str, Any]) -> Contact:
    return _create(Contact(**_only(data, CONTACT_FIELDS)), actor=actor)


def contact_update(*, actor: Actor, contact: Contact, values: dict[str, Any]) -> Contact:
    return _update(contact, actor=actor, values=values, fields=CONTACT_FIELDS)


def campaign_create(*, actor: Actor, data: dict[str, Any]) -> Campaign:
    """Admins, managers and marketers run campaigns; the dates must be in order."""
    campaign = Campaign(**_only(data, CAMPAIGN_FIELDS))
    campaign.currency = (campaign.currency or "EUR").upper()
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise ValidationFailed("The campaign ends before it starts.",
                               fields={"ends_on": ["Must not be before starts_on."]})
    return _create(campaign, actor=actor)
