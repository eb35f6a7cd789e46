"""The lead-side summary rows (LeadDay) of a range of days, computed from the raw tables with the very
functions the live source uses, so both count the same things.

LeadDay.data keys (every count of the row's day or month, for its owner, team and slice value):
  n             leads created (merged-away duplicates excluded)
  ch, ca        the same by channel id ("" without one) and by campaign id (leads without one left out)
  st            the same by current stage
  lf            those discarded or parked, by the funnel stage they left from ("" when unknown)
  rm            (LeadDay.response_minutes, not JSON) the response minutes of those contacted
  ex            leads that entered discarded or parked that day and are still so: {stage: {reason: n}}
  fl            stage moves made that day: {stage entered: n}
  ss, so, sl    response clocks started that day: all, first contact on time, first contact late
  sw            those still waiting, by the day they are due: {"YYYY-MM-DD": n}
Zero counts and empty objects are left out, so a row is the plain sum of its parts."""

from __future__ import annotations

import datetime as dt
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone

from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead
from imbuto.sla.models import LeadSla

from .kpis_leads import EXIT_STAGES, STAGES
from .periods import Period
from .slicing import bounds
from .source_raw import left_from, minutes_between, stage_of_change
from .summary_models import LeadDay

# the dimensions kept on rows (rep and team are the rows' owner and team columns)
DIMS = ("all", "channel", "campaign", "country")
# day, dim, key, owner, team, everyone (a row summed over every owner and team)
RowKey = tuple[dt.date, str, str | None, int | None, int | None, bool]
Rows = dict[RowKey, dict[str, Any]]
# owner, team, channel, campaign, country
Attrs = tuple[int | None, int | None, int | None, int | None, str | None]
ATTRS = ("owner_id", "team_id", "channel_id", "campaign_id", "country")
LEADDAY_FIELDS = ("grain", "day", "dim", "key", "owner", "team", "everyone", "data", "response_minutes")


def zone() -> ZoneInfo:
    """The time zone the summary days are in: the instance's."""
    tz = timezone.get_default_timezone()
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(str(tz))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _keys(day: dt.date, a: Attrs) -> list[RowKey]:
    owner, team, channel, campaign, country = a
    return [
        (day, "all", None, owner, team, False),
        (day, "channel", _text(channel), owner, team, False),
        (day, "campaign", _text(campaign), owner, team, False),
        (day, "country", country, owner, team, False),
    ]


def _bump(data: dict[str, Any], name: str, sub: str | None = None, sub2: str | None = None) -> None:
    if sub is None:
        data[name] = data.get(name, 0) + 1
    elif sub2 is None:
        inner = data.setdefault(name, {})
        inner[sub] = inner.get(sub, 0) + 1
    else:
        inner = data.setdefault(name, {}).setdefault(sub, {})
        inner[sub2] = inner.get(sub2, 0) + 1


def add(total: dict[str, Any], part: dict[str, Any], sign: int = 1) -> dict[str, Any]:
    """total += sign * part, in place (nested counts too, lists of values as multisets); zero counts,
    empty objects and empty lists dropped."""
    for name, value in part.items():
        if isinstance(value, list):
            if sign > 0:
                total.setdefault(name, []).extend(value)
            else:
                left = Counter(total.get(name, []))
                left.subtract(value)
                total[name] = list(left.elements())
            if not total[name]:
                total.pop(name)
        elif isinstance(value, dict):
            inner = add(total.get(name) or {}, value, sign)
            if inner:
                total[name] = inner
            else:
                total.pop(name, None)
        else:
            n = total.get(name, 0) + sign * value
            if n:
                total[name] = n
            else:
                total.pop(name, None)
    return total


def compute_days(first: dt.date, last: dt.date) -> Rows:
    """The day rows of the days `first`..`last` (both included)."""
    start, end = bounds(Period(first, last))
    tz = zone()
    rows: Rows = defaultdict(dict)
    _cohort(Lead.objects.filter(created_at__gte=start, created_at__lt=end), rows, tz)
    _exits(start, end, rows, tz)
    _flow(start, end, rows, tz)
    _clocks(start, end, rows, tz)
    everyone: Rows = defaultdict(dict)
    for (day, dim, key, _owner, _team, _all), data in rows.items():
        add(everyone[(day, dim, key, None, None, True)], data)
    rows.update(everyone)
    return rows


def _cohort(created: QuerySet[Lead], rows: Rows, tz: ZoneInfo) -> None:
    cohort = created.filter(merged_into__isnull=True)
    left = left_from(cohort.filter(stage__in=EXIT_STAGES))
    fields = ("pk", "created_at", *ATTRS, "stage", "first_contacted_at")
    for pk, created_at, *attrs, stage, contacted in cohort.values_list(*fields).order_by():
        a: Attrs = tuple(attrs)
        day = created_at.astimezone(tz).date()
        minutes = None if contacted is None else minutes_between(created_at, contacted)
        for rk in _keys(day, a):
            data = rows[rk]
            _bump(data, "n")
            _bump(data, "ch", _text(a[2]) or "")
            if a[3] is not None:
                _bump(data, "ca", str(a[3]))
            _bump(data, "st", stage)
            if stage in EXIT_STAGES:
                _bump(data, "lf", left.get(pk) or "")
            if minutes is not None:
                data.setdefault("rm", []).append(minutes)


def _exits(start: dt.datetime, end: dt.datetime, rows: Rows, tz: ZoneInfo) -> None:
    moved = Lead.objects.filter(
        merged_into__isnull=True, stage__in=EXIT_STAGES, stage_changed_at__gte=start, stage_changed_at__lt=end
    )
    for at, *attrs, stage, reason in moved.values_list(
        "stage_changed_at", *ATTRS, "stage", "disposition_reason"
    ).order_by():
        for rk in _keys(at.astimezone(tz).date(), tuple(attrs)):
            _bump(rows[rk], "ex", stage, reason)


def _flow(start: dt.datetime, end: dt.datetime, rows: Rows, tz: ZoneInfo) -> None:
    ct = ContentType.objects.get_for_model(Lead)
    entries = (
        HistoryEntry.objects.filter(object_type=ct, at__gte=start, at__lt=end)
        .annotate(new=stage_of_change(1))
        .filter(new__in=STAGES + EXIT_STAGES)
    )
    attrs: dict[int, Attrs] = {
        pk: tuple(a)
        for pk, *a in Lead.objects.filter(merged_into__isnull=True, pk__in=entries.values("object_id"))
        .values_list("pk", *ATTRS)
        .order_by()
    }
    for lead_id, at, new in entries.values_list("object_id", "at", "new").order_by():
        if lead_id in attrs:
            for rk in _keys(at.astimezone(tz).date(), attrs[lead_id]):
                _bump(rows[rk], "fl", new)


def _clocks(start: dt.datetime, end: dt.datetime, rows: Rows, tz: ZoneInfo) -> None:
    started = LeadSla.objects.filter(started_at__gte=start, started_at__lt=end)
    fields = ("started_at", "due_at", "first_contact_at", *(f"lead__{a}" for a in ATTRS))
    for at, due, contacted, *attrs in started.values_list(*fields).order_by():
        for rk in _keys(at.astimezone(tz).date(), tuple(attrs)):
            data = rows[rk]
            _bump(data, "ss")
            if contacted is not None:
                _bump(data, "so" if contacted <= due else "sl")
            else:
                _bump(data, "sw", due.astimezone(tz).date().isoformat())


def months_of(rows: Rows) -> Rows:
    """The month rows summing `rows` (day rows)."""
    months: Rows = defaultdict(dict)
    for (day, dim, key, owner, team, everyone), data in rows.items():
        add(months[(day.replace(day=1), dim, key, owner, team, everyone)], data)
    return months


def pack(values: list[float]) -> bytes:
    """Response minutes as stored: sorted, IEEE doubles, little-endian (exact, and quick to read)."""
    packed = array("d", sorted(values))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def unpack(blob: bytes | memoryview | None) -> list[float]:
    values = array("d")
    values.frombytes(bytes(blob or b""))
    if sys.byteorder == "big":
        values.byteswap()
    return values.tolist()


def as_rows(rows: Rows, grain: str) -> Iterable[tuple[Any, ...]]:
    """The rows as LEADDAY_FIELDS tuples (empty ones left out)."""
    for (day, dim, key, owner, team, everyone), data in rows.items():
        if data:
            counts = {name: value for name, value in data.items() if name != "rm"}
            minutes = pack(data["rm"]) if "rm" in data else None
            yield (grain, day, dim, key, owner, team, everyone, counts, minutes)


def read(grain: str, days: Iterable[dt.date]) -> Rows:
    """The stored rows of a grain on the given days (or months)."""
    found: Rows = {}
    stored = LeadDay.objects.filter(grain=grain, day__in=list(days)).values_list(
        "day", "dim", "key", "owner_id", "team_id", "everyone", "data", "response_minutes"
    )
    for day, dim, key, owner, team, everyone, data, minutes in stored:
        found[(day, dim, key, owner, team, everyone)] = {**data, "rm": unpack(minutes)} if minutes else data
    return found
