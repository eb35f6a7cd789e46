"""A person's day (the "My day" page): overdue and today's tasks, leads close to or past their
response-time target, hot leads, deals closing this month. Every part is read as the viewer may see
it; a manager (or an admin) may look at the day of someone in their team."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from imbuto.core import permissions
from imbuto.deals.models import Deal, StageOutcome
from imbuto.leads.models import Lead
from imbuto.sla.models import LeadSla
from imbuto.sla.selectors import LATE, state_of, visible_reps
from imbuto.sla.services import CLOSED

from . import selectors
from .models import Activity

SOON = dt.timedelta(hours=4)  # a lead due within this is "close to its target"
LIMIT = 50


@dataclass
class Day:
    person: Any
    overdue: list[Activity] = field(default_factory=list)
    today: list[Activity] = field(default_factory=list)
    clocks: list[tuple[LeadSla, str]] = field(default_factory=list)  # (clock, waiting or late)
    hot: list[Lead] = field(default_factory=list)
    deals: list[Deal] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today or self.clocks or self.hot or self.deals)


def people(user: Any) -> QuerySet[Any]:
    """Whose day `user` may look at: themselves; a manager the team; an admin the sales people."""
    return visible_reps(user)


def person_for(user: Any, person_id: int | None) -> Any:
    """The person whose day is shown: `user` unless another one they may look at is asked for."""
    if person_id is None or person_id == user.pk:
        return user
    return people(user).filter(pk=person_id).first() if 0 < person_id < 2**63 else None


def day_of(user: Any, person: Any, now: dt.datetime | None = None) -> Day:
    now = now or timezone.now()
    day = Day(person=person)
    day.overdue, day.today = selectors.open_tasks(user, person, now)
    clocks = permissions.restrict(user, LeadSla.objects.select_related("lead")) \
        .filter(first_contact_at__isnull=True, lead__owner=person, lead__merged_into__isnull=True,
                due_at__lte=now + SOON).exclude(lead__stage__in=CLOSED).order_by("due_at")[:LIMIT]
    day.clocks = [(clock, state_of(clock, now)) for clock in clocks]
    day.hot = list(permissions.restrict(user, Lead.objects.filter(
        owner=person, temperature="hot", merged_into__isnull=True)).exclude(stage__in=CLOSED)
        .order_by("-score", "-created_at", "-id")[:LIMIT])
    local = timezone.localdate(now)
    first = local.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    day.deals = list(permissions.restrict(user, Deal.objects.select_related("stage", "account")).filter(
        owner=person, status=StageOutcome.OPEN, expected_close__lt=following)
        .order_by("expected_close", "id")[:LIMIT])
    return day


__all__ = ["LATE", "Day", "day_of", "people", "person_for"]
