"""Permission-scoped reads of accounts, contacts, campaigns and channels, with keyset paging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed

from .models import Account, Campaign, Channel, Contact
from .selectors import _decode_cursor, _encode_cursor

MAX_LIMIT = 500


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(qs: QuerySet, field: str, *, limit: int, cursor: str | None) -> Page:
    """One page ordered by (field, id) ascending; the cursor holds the last row's pair."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit must be between 1 and 500.", fields={"limit": ["Out of range."]})
    if cursor:
        value, last_id = _decode_cursor(cursor)
        qs = qs.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": last_id}))
    items = list(qs.order_by(field, "id")[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = _encode_cursor([getattr(items[-1], field), items[-1].pk])
    return Page(items=items, next_cursor=next_cursor)


def _words(text: str | None) -> list[str]:
    return (text or "").replace("\x00", "").split()[:6]


def _get(user: Any, model: type[Model], qs: QuerySet, pk: int) -> Any:
    obj = permissions.restrict(user, qs).filter(pk=pk).first()
    if obj is None:
        raise NotFound(f"No such {model._meta.verbose_name}.")
    return obj


def accounts_visible(user: Any) -> QuerySet[Account]:
    return permissions.restrict(user, Account.objects.select_related("owner"))


def account_list(user: Any, *, search: str | None = None, limit: int = 50,
                 cursor: str | None = None) -> Page:
    """Accounts by name; search matches name, VAT id, city or domain (every word somewhere)."""
    qs = accounts_visible(user)
    for word in _words(search):
        qs = qs.filter(Q(name__icontains=word) | Q(vat_id__icontains=word) | Q(city__icontains=word)
                       | Q(domain__icontains=word))
    return keyset_page(qs, "name", limit=limit, cursor=cursor)


def account_get(user: Any, account_id: int) -> Account:
    return _get(user, Account, Account.objects.select_related("owner"), account_id)


def contact_list(user: Any, *, search: str | None = None, account: int | None = None,
                 limit: int = 50, cursor: str | None = None) -> Page:
    """Contacts by last name; search matches names, email, phone or the account's name."""
    qs = permissions.restrict(user, Contact.objects.select_related("owner", "account"))
    if account:
        qs = qs.filter(account_id=account)
    for word in _words(search):
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word)
                       | Q(email__icontains=word) | Q(phone__icontains=word)
                       | Q(account__name__icontains=word))
    return keyset_page(qs, "last_name", limit=limit, cursor=cursor)


def contact_get(user: Any, contact_id: int) -> Contact:
    return _get(user, Contact, Contact.objects.select_related("owner", "account"), contact_id)


def campaign_list(user: Any, *, search: str | None = None, channel: str | None = None,
                  limit: int = 50, cursor: str | None = None) -> Page:
    qs = permissions.restrict(user, Campaign.objects.select_related("channel"))
    if channel:
        qs = qs.filter(channel__slug=channel)
    for word in _words(search):
        qs = qs.filter(name__icontains=word)
    return keyset_page(qs, "name", limit=limit, cursor=cursor)


def campaign_get(user: Any, campaign_id: int) -> Campaign:
    return _get(user, Campaign, Campaign.objects.select_related("channel"), campaign_id)


def channel_list(user: Any, *, include_inactive: bool = False) -> list[Channel]:
    qs = permissions.restrict(user, Channel.objects.all())
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("position", "slug"))
