"""/api/v1/sla: the response-time policy, team holiday calendars, each lead's clock, the first contact,
and the per-rep report."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AfterValidator, BeforeValidator

from imbuto.core.errors import NotFound, PermissionDenied
from imbuto.core.schema_rules import StrictInput
from imbuto.users.models import User

from . import selectors, services
from .models import TeamCalendar

router = Router(tags=["sla"])


def _person(request: HttpRequest) -> User:
    """The signed-in user the API's authentication set (never the system)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise PermissionDenied(_("You may not do this."))
    return user
UnitName = Literal["minutes", "hours", "days"]
Target = Annotated[int, Field(ge=1, le=10_000)]
Reminder = Annotated[int, Field(ge=0, le=10_000)]
Weekday = Annotated[int, Field(ge=0, le=6)]
CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"  # a wall-clock time: no offset, no date


def _clock_text(value: Any) -> Any:
    return value.replace(microsecond=0).isoformat() if isinstance(value, dt.time) else value


# JSON Schema's "time" format is RFC 3339's, with an offset; working hours have none.
WallClockIn = Annotated[str, Field(pattern=CLOCK), AfterValidator(dt.time.fromisoformat)]
WallClockOut = Annotated[str, BeforeValidator(_clock_text), Field(pattern=CLOCK)]


class PolicyBody(StrictInput):
    hot_target: Target = Field(description="Target for hot leads, in `hot_unit`.")
    hot_unit: UnitName
    warm_target: Target
    warm_unit: UnitName
    cold_target: Target
    cold_unit: UnitName
    hot_reminder: Reminder = Field(
        description="Remind the owner this long before a hot lead is due (0: never).")
    hot_reminder_unit: UnitName
    reminder: Reminder = Field(description="Remind the owner this long before a warm or cold lead is due.")
    reminder_unit: UnitName
    reassign_at_breach: bool = Field(description="At breach, put the lead back in its team's queue.")
    working_days: list[Weekday] = Field(min_length=1, max_length=7,
                                        description="Working weekdays, 0 Monday to 6 Sunday.")
    work_start: WallClockIn = Field(description="Working hours start (instance time zone), e.g. 09:00.")
    work_end: WallClockIn = Field(description="Working hours end, after the start, e.g. 18:00.")
    country: str = Field(description="Public holidays of this country (ISO code, e.g. IT).")
    subdivision: str = Field("", description="Region or province for its own holidays (e.g. BZ).")


class PolicyOut(Schema):
    hot_target: int
    hot_unit: str
    warm_target: int
    warm_unit: str
    cold_target: int
    cold_unit: str
    hot_reminder: int
    hot_reminder_unit: str
    reminder: int
    reminder_unit: str
    reassign_at_breach: bool
    working_days: list[int]
    work_start: WallClockOut
    work_end: WallClockOut
    country: str
    subdivision: str


@router.get("/sla/policy", response=PolicyOut)
def policy_get(request: HttpRequest) -> Any:
    """The response-time targets, reminders and working calendar (every signed-in role reads it)."""
    return services.policy_get()


@router.put("/sla/policy", response=PolicyOut)
def policy_put(request: HttpRequest, body: PolicyBody) -> Any:
    """Replace the policy (administrators). Bad values answer 422 with the field at fault."""
    return services.policy_set(actor=_person(request), values=body.dict())


class TeamCalendarOut(Schema):
    team_id: int
    country: str
    subdivision: str


class TeamCalendarBody(StrictInput):
    country: str = Field(description="ISO country code; empty: the policy's country again.")
    subdivision: str = ""


@router.get("/sla/teams", response=list[TeamCalendarOut])
def team_calendars(request: HttpRequest) -> Any:
    """Teams that keep another country's (or region's) public holidays."""
    return list(TeamCalendar.objects.order_by("team_id"))


@router.put("/sla/teams/{int:team_id}", response={200: TeamCalendarOut, 204: None})
def team_calendar_put(request: HttpRequest, team_id: int, body: TeamCalendarBody) -> Any:
    """Set a team's holiday country (administrators); an empty country removes it (204)."""
    calendar = services.team_calendar_set(actor=_person(request), team_id=team_id, country=body.country,
                                          subdivision=body.subdivision)
    return Status(204, None) if calendar is None else calendar


class ClockOut(Schema):
    lead_id: int
    state: str = Field(description="waiting, on_time or late.")
    temperature: str
    started_at: dt.datetime
    due_at: dt.datetime
    seconds_left: int | None = Field(description="Until due, while waiting; null otherwise.")
    seconds_overdue: int | None = Field(description="Past due and not contacted; null otherwise.")
    first_contact_at: dt.datetime | None
    first_contact_by: int | None
    first_contact_kind: str
    first_contact_note: str
    response_minutes: int | None = Field(description="Business minutes from arrival to first contact.")
    reminded_at: dt.datetime | None
    escalated_at: dt.datetime | None
    reassigned_at: dt.datetime | None


def _clock_out(view: selectors.ClockView) -> dict[str, Any]:
    c = view.clock
    return {"lead_id": c.lead_id, "state": view.state, "temperature": c.temperature,
            "started_at": c.started_at, "due_at": c.due_at,
            "seconds_left": int(view.remaining.total_seconds()) if view.remaining is not None else None,
            "seconds_overdue": int(view.overdue.total_seconds()) if view.overdue is not None else None,
            "first_contact_at": c.first_contact_at, "first_contact_by": c.first_contact_by_id,
            "first_contact_kind": c.first_contact_kind, "first_contact_note": c.first_contact_note,
            "response_minutes": c.response_minutes, "reminded_at": c.reminded_at,
            "escalated_at": c.escalated_at, "reassigned_at": c.reassigned_at}


@router.get("/leads/{int:lead_id}/sla", response=ClockOut, tags=["leads"])
def lead_clock(request: HttpRequest, lead_id: int) -> Any:
    """A lead's response clock; 404 for a lead you may not see or without a clock."""
    view = selectors.lead_clock(_person(request), lead_id)
    if view is None:
        raise NotFound(_("No response clock for this lead."))
    return _clock_out(view)


class FirstContactBody(StrictInput):
    kind: Literal["call", "email", "meeting", "other"]
    note: str = Field("", max_length=2000)


@router.post("/leads/{int:lead_id}/first-contact", response={201: ClockOut}, tags=["leads"])
def first_contact(request: HttpRequest, lead_id: int, body: FirstContactBody) -> Any:
    """Record the first contact with a lead (once: again answers 409)."""
    services.first_contact_record(actor=_person(request), lead_id=lead_id, kind=body.kind, note=body.note)
    view = selectors.lead_clock(_person(request), lead_id)
    if view is None:  # recorded by who may change the lead, so seen by them: never here
        raise NotFound(_("No response clock for this lead."))
    return Status(201, _clock_out(view))


class RepOut(Schema):
    user_id: int
    name: str
    on_time: int
    late: int
    waiting: int
    overdue: int = Field(description="Among late: still not contacted.")
    median_minutes: float | None = Field(description="Median response time in business minutes.")


@router.get("/sla/reps", response=list[RepOut])
def reps(request: HttpRequest) -> Any:
    """Each rep's leads on time, late and waiting, and median response time: admins see everyone,
    managers their team, reps themselves."""
    services.require_report(_person(request))
    return selectors.rep_report(_person(request))
