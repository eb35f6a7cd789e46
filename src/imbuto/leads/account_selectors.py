"""Permission-scoped reads of accounts, contacts, campaigns and channels, with keyset paging.

The account and contact searches serve the API and the account/contact pages alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed

from .models import Account, Campaign, Channel, Contact
from .search_words import search_words
from .selectors import decode_cursor, encode_cursor

MAX_LIMIT = 500


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def keyset_page(qs: QuerySet[Any], field: str, *, limit: int, cursor: str | None) -> Page:
    """One page ordered by (field, id) ascending; the cursor holds the last row's pair."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit must be between 1 and 500.", fields={"limit": ["Out of range."]})
    if cursor:
        value, last_id = decode_cursor(cursor)
        qs = qs.filter(Q(**{f"{field}__gt": value}) | Q(**{field: value, "id__gt": last_id}))
    items = list(qs.order_by(field, "id")[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor([getattr(items[-1], field), items[-1].pk])
    return Page(items=items, next_cursor=next_cursor)


# Where a search word may match (every word must match one of them). Accounts: the domain is not always
# derived from the website (accounts typed in by hand), so both are searched.
ACCOUNT_SEARCH_FIELDS = ("name", "vat_id", "city", "domain", "website")
CONTACT_SEARCH_FIELDS = ("first_name", "last_name", "email", "phone", "account__name")


def _words(text: str | None) -> list[str]:
    return search_words(text)


def matching_words(search: str | None, fields: tuple[str, ...]) -> Q:
    """Every word of `search` (at most six) somewhere in `fields`, case-insensitively."""
    q = Q()
    for word in _words(search):
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        q &= any_field
    return q


def _get[M: Model](user: Any, model: type[M], qs: QuerySet[M], pk: int) -> M:
    obj = permissions.restrict(user, qs).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such %(thing)s.") % {"thing": model._meta.verbose_name})
    return obj


def accounts_visible(user: Any) -> QuerySet[Account]:
    return permissions.restrict(user, Account.objects.select_related("owner"))


def account_search(user: Any, search: str | None = None, *, is_customer: bool | None = None
                   ) -> QuerySet[Account]:
    """Visible accounts matching every word of `search` (ACCOUNT_SEARCH_FIELDS), only customers or
    only prospects when `is_customer` says so; unordered. The API pages it by keyset, the account list
    page by page number."""
    qs = accounts_visible(user).filter(matching_words(search, ACCOUNT_SEARCH_FIELDS))
    return qs if is_customer is None else qs.filter(is_customer=is_customer)


def account_list(user: Any, *, search: str | None = None, is_customer: bool | None = None,
                 limit: int = 50, cursor: str | None = None) -> Page:
    """Accounts by name; search matches name, VAT id, city, domain or website (every word somewhere)."""
    return keyset_page(account_search(user, search, is_customer=is_customer), "name", limit=limit,
                       cursor=cursor)


def account_get(user: Any, account_id: int) -> Account:
    return _get(user, Account, Account.objects.select_related("owner"), account_id)


def contact_search(user: Any, search: str | None = None, *, account: int | None = None) -> QuerySet[Contact]:
    """Visible contacts matching every word of `search` (CONTACT_SEARCH_FIELDS); unordered."""
    qs = permissions.restrict(user, Contact.objects.select_related("owner", "account"))
    if account:
        qs = qs.filter(account_id=account)
    return qs.filter(matching_words(search, CONTACT_SEARCH_FIELDS))


def contact_list(user: Any, *, search: str | None = None, account: int | None = None,
                 limit: int = 50, cursor: str | None = None) -> Page:
    """Contacts by last name; search matches names, email, phone or the account's name."""
    return keyset_page(contact_search(user, search, account=account), "last_name", limit=limit, cursor=cursor)


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
