"""Permission-scoped reads of customers: feedback and problems (keyset-paged lists), an account's
purchases (its won deals, first and repeat), its referrals, and the score summary (NPS)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed
from imbuto.deals.models import Deal, StageOutcome
from imbuto.leads.account_selectors import Page, account_search
from imbuto.leads.models import Account, Lead
from imbuto.leads.selectors import decode_cursor, encode_cursor, visible_leads

from .models import CustomerProfile, Feedback, Problem

# ordering name -> model field; every list breaks ties by id in the same direction
FEEDBACK_ORDERINGS = {"at": "at", "score": "score"}
PROBLEM_ORDERINGS = {"opened_at": "opened_at", "resolved_at": "resolved_at"}


def customer_accounts(user: Any) -> QuerySet[Account]:
    """The customer accounts `user` may see, most recently changed first."""
    return account_search(user, is_customer=True).order_by("-updated_at", "-id")


def keyset[M: Model](qs: QuerySet[M], ordering: str, names: dict[str, str], *, limit: int,
                     cursor: str | None) -> Page:
    """One page in `ordering` ("at", "-score", ...), id breaking ties; the cursor holds the last pair."""
    name = ordering.lstrip("-")
    if name not in names:
        raise ValidationFailed(_("Unknown ordering %(o)r.") % {"o": ordering},
                               fields={"ordering": [_("Use one of: %(names)s.")
                                                    % {"names": ", ".join(names)}]})
    column, desc = names[name], ordering.startswith("-")
    qs = qs.filter(**{f"{column}__isnull": False}) if column == "resolved_at" else qs
    if cursor:
        value, last_id = decode_cursor(cursor)
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{column}__{op}": value}) | Q(**{column: value, f"id__{op}": last_id}))
    sign = "-" if desc else ""
    items = list(qs.order_by(f"{sign}{column}", f"{sign}id")[: limit + 1])
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = encode_cursor([getattr(items[-1], column), items[-1].pk])
    return Page(items=items, next_cursor=next_cursor)


def visible_feedback(user: Any) -> QuerySet[Feedback]:
    return permissions.restrict(user, Feedback.objects.select_related("account", "contact", "recorded_by"))


def visible_problems(user: Any) -> QuerySet[Problem]:
    return permissions.restrict(user, Problem.objects.select_related("account", "contact"))


def feedback_list(user: Any, *, account: int | None = None, contact: int | None = None,
                  deal: int | None = None, min_score: int | None = None, max_score: int | None = None,
                  ordering: str = "-at", limit: int = 50, cursor: str | None = None) -> Page:
    qs = visible_feedback(user)
    for name, value in (("account_id", account), ("contact_id", contact), ("deal_id", deal),
                        ("score__gte", min_score), ("score__lte", max_score)):
        if value is not None:
            qs = qs.filter(**{name: value})
    return keyset(qs, ordering, FEEDBACK_ORDERINGS, limit=limit, cursor=cursor)


def problem_list(user: Any, *, account: int | None = None, status: str | None = None,
                 ordering: str = "-opened_at", limit: int = 50, cursor: str | None = None) -> Page:
    qs = visible_problems(user)
    if account is not None:
        qs = qs.filter(account_id=account)
    if status:
        qs = qs.filter(status=status)
    return keyset(qs, ordering, PROBLEM_ORDERINGS, limit=limit, cursor=cursor)


def _one[M: Model](qs: QuerySet[M], pk: int, what: str) -> M:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("No such %(what)s.") % {"what": what})
    return obj


def feedback_get(user: Any, pk: int) -> Feedback:
    return _one(visible_feedback(user), pk, _("feedback"))


def problem_get(user: Any, pk: int) -> Problem:
    return _one(visible_problems(user), pk, _("problem"))


def account_get(user: Any, pk: int) -> Account:
    return _one(permissions.restrict(user, Account.objects.select_related("owner"), "view"), pk, _("account"))


# ---- the score summary -------------------------------------------------------------------------------

@dataclass
class ScoreSummary:
    """Net promoter score over a set of scores: % promoters (9-10) minus % detractors (0-6)."""

    count: int = 0
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    average: float | None = None

    @property
    def nps(self) -> int | None:
        if not self.count:
            return None
        return round(100 * (self.promoters - self.detractors) / self.count)


def score_summary(scores: Iterable[int]) -> ScoreSummary:
    """Pure: the summary of 0-10 scores."""
    values = list(scores)
    if not values:
        return ScoreSummary()
    return ScoreSummary(count=len(values), promoters=sum(v >= 9 for v in values),
                        passives=sum(7 <= v <= 8 for v in values), detractors=sum(v <= 6 for v in values),
                        average=round(sum(values) / len(values), 1))


# ---- purchases ---------------------------------------------------------------------------------------

@dataclass
class Purchase:
    deal_id: int
    name: str
    closed_at: dt.datetime | None
    amount: Decimal | None
    currency: str
    number: int  # 1 for the first purchase, 2 for the first repeat, ...

    @property
    def repeat(self) -> bool:
        return self.number > 1


@dataclass
class Purchases:
    account_id: int
    is_customer: bool
    since: dt.datetime | None
    count: int = 0  # every won deal of the account, those you may not open included
    items: list[Purchase] = field(default_factory=list)  # the ones you may see
    totals: dict[str, Decimal] = field(default_factory=dict)  # per currency, over the items

    @property
    def first_at(self) -> dt.datetime | None:
        return self.items[0].closed_at if self.items else None

    @property
    def last_at(self) -> dt.datetime | None:
        return self.items[-1].closed_at if self.items else None


def account_purchases(user: Any, account: Account) -> Purchases:
    """The account's won deals in the order they closed, numbered over all of them (first, then repeats);
    listed are those `user` may see. `since`: the customer profile's date, else the first won deal's."""
    won = list(Deal.objects.filter(account=account, status=StageOutcome.WON)
               .order_by("closed_at", "id").values_list("pk", "closed_at"))
    seen = set(permissions.restrict(user, Deal.objects.filter(pk__in=[pk for pk, _at in won]), "view")
               .values_list("pk", flat=True))
    deals = {d.pk: d for d in
             Deal.objects.filter(pk__in=seen).only("name", "amount", "currency", "closed_at")}
    items = [Purchase(deal_id=pk, name=deals[pk].name, closed_at=at, amount=deals[pk].amount,
                      currency=deals[pk].currency, number=n)
             for n, (pk, at) in enumerate(won, start=1) if pk in deals]
    totals: dict[str, Decimal] = {}
    for item in items:
        if item.amount is not None:
            totals[item.currency] = totals.get(item.currency, Decimal(0)) + item.amount
    profile = CustomerProfile.objects.filter(account=account).first()
    since = profile.since if profile else (won[0][1] if won else None)
    return Purchases(account_id=account.pk, is_customer=account.is_customer, since=since, count=len(won),
                     items=items, totals=totals)


# ---- referrals ---------------------------------------------------------------------------------------

def account_referrals(user: Any, account: Account, limit: int = 50) -> tuple[int, list[Lead]]:
    """Leads credited to the account as its referrals (`Lead.referrer_account`, which intake's
    `referral_record` sets): how many in all, and the newest ones `user` may see."""
    credited = Lead.objects.filter(referrer_account=account, merged_into__isnull=True)
    shown = list(visible_leads(user).filter(referrer_account=account, merged_into__isnull=True)
                 .select_related("owner", "referrer_contact").order_by("-created_at", "-id")[:limit])
    return credited.count(), shown
