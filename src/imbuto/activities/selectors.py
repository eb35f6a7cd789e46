"""Permission-scoped reads of activities: one activity, a record's timeline, the API's list (filters,
ordering, keyset cursor as GET /leads), and a person's day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.errors import NotFound, ValidationFailed
from imbuto.leads.selectors import decode_cursor, encode_cursor

from .models import Activity, Kind

TIMELINE_LIMIT = 100
ORDERINGS = {"created_at": "created_at", "updated_at": "updated_at", "when": "when_key"}
DEFAULT_ORDERING = "-created_at"


def visible(user: Any, action: str = "view") -> QuerySet[Activity]:
    return permissions.restrict(user, Activity.objects.all(), action)


def activity_get(user: Any, pk: int) -> Activity:
    """One activity `user` may see, or NotFound (one outside the scope is not acknowledged)."""
    activity = None
    if 0 < pk < 2**63:
        activity = visible(user).select_related("owner", "lead", "contact", "account", "deal") \
            .filter(pk=pk).first()
    if activity is None:
        raise NotFound(_("No such activity."))
    return activity


def record_q(kind: str, obj: Any) -> Q:
    """The activities of one record's timeline: a lead's and a contact's own (a contact's also those
    of its leads and deals), an account's own plus its contacts', deals' and leads', a deal's own plus
    its lead's (what happened before the conversion)."""
    pk = obj.pk
    if kind == "lead":
        return Q(lead_id=pk)
    if kind == "contact":
        return Q(contact_id=pk) | Q(lead__contact_id=pk) | Q(deal__contact_id=pk)
    if kind == "account":
        return Q(account_id=pk) | Q(contact__account_id=pk) | Q(deal__account_id=pk) | Q(lead__account_id=pk)
    if kind == "deal":
        q = Q(deal_id=pk)
        return q | Q(lead_id=obj.lead_id) if getattr(obj, "lead_id", None) else q
    raise ValueError(kind)


def timeline(user: Any, kind: str, obj: Any, limit: int = TIMELINE_LIMIT) -> list[Activity]:
    """A record's activities `user` may see, newest first (by when they happened or are due)."""
    qs: Any = visible(user).filter(record_q(kind, obj)).select_related("owner") \
        .annotate(when_key=Coalesce("occurred_at", "due_at", "created_at")) \
        .order_by("-when_key", "-id")
    return list(qs[:limit])


def mark_changeable(user: Any, items: list[Activity]) -> list[Activity]:
    """Set `changeable` on each activity (may `user` complete, reopen or edit it?), in one query at
    most: the owner and admins are known without the database."""
    role = permissions.role_of(user)
    unsure = [a.pk for a in items if role != "admin" and a.owner_id != getattr(user, "pk", None)]
    allowed: set[int] = set()
    if unsure:
        allowed = set(visible(user, "change").filter(pk__in=unsure).values_list("pk", flat=True))
    mine = getattr(user, "pk", None)
    for a in items:
        a.changeable = role is not None and (  # type: ignore[attr-defined]
            role == "admin" or a.owner_id == mine or a.pk in allowed)
    return items


# ---- the API's list ------------------------------------------------------------------------------

@dataclass
class Page:
    items: list[Activity]
    next_cursor: str | None


def _as_datetime(value: Any, field: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime.combine(value, dt.time())
    else:
        try:
            d = dt.datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationFailed(_("%(field)s is not an ISO date.") % {"field": field},
                                   fields={field: [_("Use YYYY-MM-DD or an ISO datetime.")]}) from exc
    try:
        d = timezone.make_aware(d) if timezone.is_naive(d) else d
        return d.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        if d.year == 1:
            return dt.datetime.min.replace(tzinfo=dt.UTC)
        return dt.datetime.max.replace(tzinfo=dt.UTC)


def filter_activities(user: Any, qs: QuerySet[Activity], p: dict[str, Any]) -> QuerySet[Activity]:
    """The list's filters (the names of GET /api/v1/activities)."""
    from imbuto.deals.models import Deal
    from imbuto.leads.models import Account, Contact

    p = {k: v for k, v in p.items() if v not in (None, "", [])}
    if "kind" in p:
        qs = qs.filter(kind__in=[k.strip() for k in str(p["kind"]).split(",") if k.strip()])
    if "owner" in p:
        owner = str(p["owner"])
        if owner == "none":
            qs = qs.filter(owner__isnull=True)
        elif owner.isascii() and owner.isdigit() and len(owner) <= 18:
            qs = qs.filter(owner_id=int(owner))
        else:
            qs = qs.filter(owner__username=owner)
    if "lead" in p:
        qs = qs.filter(lead_id=p["lead"])
    for name, model in (("contact", Contact), ("account", Account), ("deal", Deal)):
        if name in p:  # the record's whole timeline, as its page shows it
            obj = model._default_manager.filter(pk=p[name]).first()
            qs = qs.filter(record_q(name, obj)) if obj is not None else qs.none()
    if "due_before" in p:
        qs = qs.filter(due_at__lt=_as_datetime(p["due_before"], "due_before"))
    if "due_after" in p:
        qs = qs.filter(due_at__gte=_as_datetime(p["due_after"], "due_after"))
    if "done" in p:
        qs = qs.filter(done_at__isnull=not p["done"])
    if "search" in p:
        text = str(p["search"]).replace("\x00", "")
        qs = qs.filter(Q(subject__icontains=text) | Q(body__icontains=text))
    return qs


def activity_list(user: Any, params: dict[str, Any], *, limit: int = 50, cursor: str | None = None) -> Page:
    """A page of visible activities, filtered and ordered, with the next page's cursor."""
    ordering = params.get("ordering") or DEFAULT_ORDERING
    if ordering.lstrip("-") not in ORDERINGS:
        raise ValidationFailed(_("Unknown ordering %(o)s.") % {"o": ordering},
                               fields={"ordering": [", ".join(ORDERINGS)]})
    field = ORDERINGS[ordering.lstrip("-")]
    desc = ordering.startswith("-")
    qs = filter_activities(user, visible(user), params) \
        .annotate(when_key=Coalesce("occurred_at", "due_at", "created_at"))
    sign = "-" if desc else ""
    qs = qs.order_by(f"{sign}{field}", f"{sign}id")
    if cursor:
        value, last_id = decode_cursor(cursor, str)
        value = _as_datetime(value, "cursor")
        op = "lt" if desc else "gt"
        qs = qs.filter(Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": last_id}))
    items: list[Activity] = list(qs.select_related("owner")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor([getattr(items[-1], field), items[-1].pk]) if more and items else None
    return Page(items=items, next_cursor=next_cursor)


# ---- My day ----------------------------------------------------------------------------------------

def open_tasks(user: Any, person: Any, now: dt.datetime) -> tuple[list[Activity], list[Activity]]:
    """(overdue, due today): `person`'s open tasks past due, and tasks and meetings due or starting
    later today, as `user` may see them."""
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + dt.timedelta(days=1)
    mine = visible(user).filter(owner=person, done_at__isnull=True).select_related("lead", "deal", "owner")
    overdue = list(mine.filter(kind=Kind.TASK, due_at__lt=now).order_by("due_at", "id")[:100])
    today: list[Activity] = list(mine.filter(Q(kind=Kind.TASK, due_at__gte=now, due_at__lt=end)
                             | Q(kind=Kind.MEETING, occurred_at__gte=start,
                                 occurred_at__lt=end))
                 .annotate(when_key=Coalesce("occurred_at", "due_at")).order_by("when_key", "id")[:100])
    return overdue, today


def assignable_people(user: Any) -> QuerySet[Any]:
    """Who `user` may give an activity to: themselves; a manager also the team; an admin anyone."""
    from imbuto.users.models import User

    role = permissions.role_of(user)
    active = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    if role == "admin":
        return active
    if role == "manager" and user.team_id:
        return active.filter(Q(pk=user.pk) | Q(team_id=user.team_id))
    return active.filter(pk=user.pk) if getattr(user, "pk", None) else active.none()
