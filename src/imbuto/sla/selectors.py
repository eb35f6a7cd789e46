"""Permission-scoped reads: one lead's response clock (the lead page's panel, the API) and the per-rep
report (on time, late, waiting, median response time)."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from imbuto.core import permissions

from .models import LeadSla

WAITING, ON_TIME, LATE = "waiting", "on_time", "late"


@dataclass(frozen=True)
class ClockView:
    """What the panel and the API show of one lead's clock."""

    clock: LeadSla
    state: str  # waiting, on_time, late
    remaining: dt.timedelta | None  # time left until due (waiting and not yet late)
    overdue: dt.timedelta | None  # how long past due (waiting and late)


def state_of(clock: LeadSla, now: dt.datetime) -> str:
    if clock.first_contact_at is not None:
        return LATE if clock.first_contact_at > clock.due_at else ON_TIME
    return LATE if now >= clock.due_at else WAITING


def lead_clock(user: Any, lead_id: int, now: dt.datetime | None = None) -> ClockView | None:
    """The clock of a lead `user` may see, or None (no clock yet, or not theirs to see)."""
    now = now or timezone.now()
    if not 0 < lead_id < 2**63:  # no row has such an id (and SQLite cannot even compare it)
        return None
    clock = permissions.restrict(user, LeadSla.objects.select_related("first_contact_by")) \
        .filter(lead_id=lead_id).first()
    if clock is None:
        return None
    state = state_of(clock, now)
    waiting = clock.first_contact_at is None
    return ClockView(clock=clock, state=state,
                     remaining=clock.due_at - now if waiting and now < clock.due_at else None,
                     overdue=now - clock.due_at if waiting and now >= clock.due_at else None)


@dataclass
class RepRow:
    user_id: int
    name: str
    on_time: int = 0
    late: int = 0
    waiting: int = 0
    overdue: int = 0  # among `late`: still not contacted
    median_minutes: float | None = None


def visible_reps(user: Any) -> Any:
    """The people whose leads `user` may report on: admins everyone, managers their team and
    themselves, reps themselves; nobody for other roles."""
    from imbuto.users.models import User

    role = permissions.role_of(user)
    people = User.objects.filter(is_active=True)
    if role == "admin":
        return people.filter(role__in=("rep", "manager"))
    if role == "manager":
        return people.filter(Q(team_id=user.team_id) | Q(pk=user.pk)) if user.team_id \
            else people.filter(pk=user.pk)
    if role == "rep":
        return people.filter(pk=user.pk)
    return people.none()


def rep_report(user: Any, now: dt.datetime | None = None) -> list[RepRow]:
    """One row per visible person owning leads with a clock: on time, late, waiting, median response
    time in business minutes (two queries whatever the number of leads)."""
    now = now or timezone.now()
    people = {pk: (full or username) for pk, username, full in
              ((u.pk, u.username, u.get_full_name()) for u in visible_reps(user).order_by("username"))}
    rows = {pk: RepRow(user_id=pk, name=name) for pk, name in people.items()}
    minutes: dict[int, list[int]] = {pk: [] for pk in people}
    clocks = LeadSla.objects.filter(lead__owner_id__in=list(people), lead__merged_into__isnull=True) \
        .values_list("lead__owner_id", "due_at", "first_contact_at", "response_minutes")
    for owner_id, due_at, contacted_at, response in clocks:
        row = rows[owner_id]
        if contacted_at is None:
            if now >= due_at:
                row.late += 1
                row.overdue += 1
            else:
                row.waiting += 1
        else:
            if contacted_at > due_at:
                row.late += 1
            else:
                row.on_time += 1
            if response is not None:
                minutes[owner_id].append(response)
    for pk, values in minutes.items():
        if values:
            rows[pk].median_minutes = statistics.median(values)
    return list(rows.values())
