"""Permission-scoped reads of leads, shared by the API, the HTMX views and the CLI.

`lead_list` takes the filter names of the API contract (search, stage, temperature, owner, channel,
campaign, country, created_after, created_before, ordering) and pages with a keyset cursor, so a
page costs the same at row 10 and at row 1,000,000.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed

from .models import Lead
from .search_words import search_words

ORDERINGS = {
    # public name: the field (or annotation of SORT_KEYS) ordered on, never NULL so a cursor holds it
    "created_at": "created_at",
    "updated_at": "updated_at",
    "last_name": "last_name",
    "company_name": "company_name",
    "score": "score_key",
    "stage": "stage",
    "owner": "owner_key",
    "temperature": "temperature_key",
    "channel": "channel_key",
}
# Unscored leads sort as the lowest score, unassigned leads and leads without a channel as "", the
# same way on SQLite and PostgreSQL; temperature sorts hot, warm, cold (descending is hot first).
SORT_KEYS: dict[str, Any] = {
    "score_key": lambda: Coalesce("score", Value(-(2**31))),
    "owner_key": lambda: Coalesce("owner__username", Value("")),
    "channel_key": lambda: Coalesce("channel__slug", Value("")),
    "temperature_key": lambda: Case(When(temperature="hot", then=Value(3)),
                                    When(temperature="warm", then=Value(2)),
                                    When(temperature="cold", then=Value(1)),
                                    default=Value(0), output_field=IntegerField()),
}
INT_KEYS = ("score_key", "temperature_key")
DEFAULT_ORDERING = "-created_at"
MAX_LIMIT = 500


@dataclass
class LeadPage:
    items: list[Lead]
    next_cursor: str | None
    ordering: str
    previous_cursor: str | None = None


def visible_leads(user: Any, action: str = "view") -> QuerySet[Lead]:
    """Leads `user` may see (or change), not counting those merged into another lead."""
    qs = Lead.objects.filter(merged_into__isnull=True)
    return permissions.restrict(user, qs, action)


def unassigned_leads(user: Any) -> QuerySet[Lead]:
    """The unassigned queue `user` may work: open leads with no owner, newest first (until routing)."""
    closed = ("discarded", "customer")
    return (visible_leads(user, "change").filter(owner__isnull=True).exclude(stage__in=closed)
            .select_related("channel", "team").order_by("-created_at", "-id"))


@dataclass(frozen=True)
class LeadRef:
    """Another lead as one viewer may see it: its name and a link when they may open it, else only
    `#id`. Every place that names a lead other than the one on screen (merge partners, referrers,
    duplicates, timeline entries, intake answers) shows it through this, so the rule is written once."""

    id: int
    visible: bool
    lead: Lead | None = None

    @property
    def label(self) -> str:
        return str(self.lead) if self.visible and self.lead is not None else f"#{self.id}"

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("leads:detail", args=[self.id]) if self.visible else ""

    def __str__(self) -> str:
        return self.label


REF_CHUNK = 5000


def lead_refs(user: Any, ids: Any, *, names: bool = True, loaded: Any = ()) -> dict[int, LeadRef]:
    """{id: LeadRef} for the given lead ids as `user` may see them: one query per 5,000 ids, none when
    names are not wanted and the user sees every lead (then any id counts as visible; otherwise an
    unknown id comes back not visible). `loaded` leads already in memory skip the query when
    core.permissions can tell from them alone (the user's own lead)."""
    wanted = sorted({int(i) for i in ids if i is not None})
    scope = permissions.lead_scope(user, "view")
    if scope is None or not wanted:
        return {i: LeadRef(i, False) for i in wanted}
    if not names and scope == Q():
        return {i: LeadRef(i, True) for i in wanted}
    found: dict[int, Lead] = {}
    if not names:
        found = {lead.pk: lead for lead in loaded if lead.pk in wanted
                 and permissions.sees_loaded_lead(user, lead)}
    fields = ("id", "first_name", "last_name", "company_name", "email", "phone") if names else ("id",)
    rest = [i for i in wanted if i not in found]
    for start in range(0, len(rest), REF_CHUNK):
        part = rest[start:start + REF_CHUNK]
        found.update((lead.pk, lead) for lead in Lead.objects.filter(scope, pk__in=part).only(*fields))
    return {i: LeadRef(i, i in found, found.get(i) if names else None) for i in wanted}


def lead_ref(user: Any, lead_id: int | None) -> LeadRef | None:
    """One other lead as `user` may see it (None for no lead)."""
    return None if lead_id is None else lead_refs(user, [lead_id])[int(lead_id)]


def lead_get(user: Any, lead_id: int, action: str = "view") -> Lead:
    """One lead, or NotFound: a lead outside the user's scope is not acknowledged to exist."""
    lead = (
        Lead.objects.select_related("owner", "team", "channel", "campaign", "merged_into")
        .filter(pk=lead_id).first()
    )
    if lead is None:
        raise NotFound(_("No such lead."))
    if not permissions.can(user, "view", lead):
        permissions.audit_denial(user, "view", "leads.lead", lead_id)
        raise NotFound(_("No such lead."))
    if action != "view":
        permissions.require(user, action, lead)
    return lead


def search_q(text: str) -> Q:
    """Name, company, email or phone; every word must match somewhere (a legal form need not)."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and all(ch.isdigit() or ch in " +-./()" for ch in text.strip()):
        # A phone number as typed ("+39 02 1234 567", "02 1234567"): match its digits.
        q = Q(phone__contains=digits)
        return q | Q(phone__contains=digits.lstrip("0")) if digits.startswith("0") else q
    q = Q()
    for word in search_words(text):
        digits = "".join(ch for ch in word if ch.isdigit())
        w = (Q(first_name__icontains=word) | Q(last_name__icontains=word)
             | Q(company_name__icontains=word) | Q(email__icontains=word))
        if len(digits) >= 4:
            w |= Q(phone__contains=digits)
        q &= w
    return q


def _as_id(text: str) -> int | None:
    """ASCII digits that fit a bigint, else None (int("²") fails, 10**30 overflows the column)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def filter_leads(qs: QuerySet[Lead], params: dict[str, Any]) -> QuerySet[Lead]:
    # PostgreSQL refuses NUL in text, even in a WHERE clause.
    p = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in params.items()}
    p = {k: v for k, v in p.items() if v not in (None, "", [])}
    if "search" in p:
        qs = qs.filter(search_q(str(p["search"])))
    for name in ("stage", "temperature", "country"):
        if name in p:
            values = p[name] if isinstance(p[name], list) else str(p[name]).split(",")
            qs = qs.filter(**{f"{name}__in": [v.strip() for v in values if v.strip()]})
    if "owner" in p:
        owner = str(p["owner"])
        if owner in ("none", "unassigned"):
            qs = qs.filter(owner__isnull=True)
        elif _as_id(owner) is not None:
            qs = qs.filter(owner_id=_as_id(owner))
        else:
            qs = qs.filter(owner__username=owner)
    if p.get("needs_checking") in (True, "true", "1", "on", "yes"):
        qs = qs.exclude(quality_flags={})  # a value failed validation at intake
    if "channel" in p:
        qs = qs.filter(channel__slug__in=str(p["channel"]).split(","))
    if "campaign" in p:
        c = str(p["campaign"])
        campaign_id = _as_id(c)
        qs = qs.filter(campaign_id=campaign_id) if campaign_id is not None else qs.filter(campaign__name=c)
    for name, lookup in (("min_score", "score__gte"), ("max_score", "score__lte")):
        if name in p:  # unscored leads (score NULL) match no score range
            qs = qs.filter(**{lookup: _as_score(p[name], name)})
    if "created_after" in p:
        qs = qs.filter(created_at__gte=_as_datetime(p["created_after"], "created_after"))
    if "created_before" in p:
        qs = qs.filter(created_at__lt=_as_datetime(p["created_before"], "created_before"))
    return qs


def _as_score(value: Any, field: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not (text.lstrip("-").isdigit() and len(text) <= 11):
        raise ValidationFailed(f"{field} is not a whole number.", fields={field: ["A whole number."]})
    return int(text)


def _as_datetime(value: Any, field: str) -> dt.datetime:
    from django.utils import timezone

    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime.combine(value, dt.time())
    else:
        try:
            d = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationFailed(f"{field} is not an ISO date.",
                                   fields={field: ["Use YYYY-MM-DD or an ISO datetime."]}) from exc
    try:
        d = timezone.make_aware(d) if timezone.is_naive(d) else d
        d.astimezone(dt.UTC)  # the database compares in UTC: 0001-01-01 in Rome is year 0 there
    except (OverflowError, ValueError):
        # A valid date beyond what UTC holds (the documented `date`/`date-time` formats allow it):
        # the earliest or latest instant, i.e. no bound on that side.
        d = dt.datetime.min.replace(tzinfo=dt.UTC) if d.year == 1 else dt.datetime.max.replace(tzinfo=dt.UTC)
    return d


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, value_type: type | tuple[type, ...] = (str, int)) -> list[Any]:
    """[value, id] back from a cursor; anything a client forged into another shape is a 422."""
    invalid = ValidationFailed("The cursor is not valid.", fields={"cursor": ["Invalid."]})
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, RecursionError) as exc:
        raise invalid from exc
    if not (isinstance(values, list) and len(values) == 2):
        raise invalid
    value, last_id = values
    if type(last_id) is not int or not 0 < last_id < 2**63:
        raise invalid
    if type(value) not in (value_type if isinstance(value_type, tuple) else (value_type,)):
        raise invalid
    if isinstance(value, str) and "\x00" in value or isinstance(value, int) and abs(value) >= 2**63:
        raise invalid
    return values


def _check_ordering(ordering: str) -> str:
    if ordering.lstrip("-") not in ORDERINGS:
        raise ValidationFailed(f"Unknown ordering {ordering!r}.",
                               fields={"ordering": [f"Use one of {', '.join(ORDERINGS)}."]})
    return ORDERINGS[ordering.lstrip("-")]


def ordered(qs: QuerySet[Lead], ordering: str) -> QuerySet[Lead]:
    """`qs` in the list's order (id breaks ties), with the sort key annotated when it is computed."""
    field = _check_ordering(ordering)
    if field in SORT_KEYS:
        qs = qs.annotate(**{field: SORT_KEYS[field]()})
    sign = "-" if ordering.startswith("-") else ""
    return qs.order_by(f"{sign}{field}", f"{sign}id")


def lead_count(user: Any, params: dict[str, Any]) -> int:
    """How many visible leads match these filters (the list's total)."""
    return filter_leads(visible_leads(user), params).count()


def lead_list(user: Any, params: dict[str, Any], *, limit: int = 50,
              cursor: str | None = None, backwards: bool = False) -> LeadPage:
    """A page of visible leads, filtered and ordered, with the cursors of the next and previous page.

    `backwards` reads the page that ends before `cursor` (a previous_cursor), still shown in order."""
    ordering = params.get("ordering") or DEFAULT_ORDERING
    field = _check_ordering(ordering)
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed("limit must be between 1 and 500.", fields={"limit": ["Out of range."]})
    desc = ordering.startswith("-") != backwards  # reading backwards walks the other way
    walk = ("-" if desc else "") + ordering.lstrip("-")
    qs = ordered(filter_leads(visible_leads(user), params), walk)
    if cursor:
        value, last_id = decode_cursor(cursor, int if field in INT_KEYS else str)
        if field in ("created_at", "updated_at"):
            value = _as_datetime(value, "cursor")
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id}))
    qs = qs.select_related("owner", "team", "channel", "campaign")
    items = list(qs[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    if backwards:
        items.reverse()
    first_cursor = encode_cursor([getattr(items[0], field), items[0].pk]) if items else None
    last_cursor = encode_cursor([getattr(items[-1], field), items[-1].pk]) if items else None
    if backwards:
        return LeadPage(items=items, next_cursor=last_cursor if items else None, ordering=ordering,
                        previous_cursor=first_cursor if more else None)
    return LeadPage(items=items, next_cursor=last_cursor if more else None, ordering=ordering,
                    previous_cursor=first_cursor if cursor and items else None)
