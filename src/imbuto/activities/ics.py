"""A meeting as an iCalendar file (RFC 5545, written by the `icalendar` library): one VEVENT with a
stable UID, so importing it again updates the same event; its reminder as a VALARM."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.http import HttpResponse
from django.utils import timezone

from .models import Activity

DEFAULT_LENGTH = dt.timedelta(hours=1)


def meeting_ics(activity: Activity, *, host: str = "imbuto", url: str = "") -> bytes:
    """The meeting (kind meeting, with a start) as the bytes of a .ics file."""
    start = activity.occurred_at or activity.created_at
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Imbuto//Activities//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"activity-{activity.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", (activity.ends_at or start + DEFAULT_LENGTH).astimezone(dt.UTC))
    event.add("summary", activity.subject)
    if activity.body:
        event.add("description", activity.body)
    if activity.location:
        event.add("location", activity.location)
    if url:
        event.add("url", url)
    event.add("sequence", int(activity.updated_at.timestamp()) % 2**31 if activity.updated_at else 0)
    event.add("last-modified", (activity.updated_at or start).astimezone(dt.UTC))
    if activity.owner is not None and activity.owner.email:
        event.add("organizer", f"mailto:{activity.owner.email}")
    if activity.remind_at is not None and activity.remind_at <= start:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", activity.subject)
        alarm.add("trigger", activity.remind_at - start)
        event.add_component(alarm)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def ics_response(activity: Activity, *, host: str = "imbuto", url: str = "") -> HttpResponse:
    response = HttpResponse(meeting_ics(activity, host=host, url=url),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{activity.pk}.ics"'
    return response
