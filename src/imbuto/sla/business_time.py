"""Business time: adding working time to a moment and measuring the working time between two moments.

Pure functions over a `BusinessCalendar` (working weekdays, daily hours in one time zone, public
holidays): no database, no clock. Working hours are wall-clock hours of each day in the calendar's time
zone, so a DST change moves them with the clock (09:00-18:00 stays 09:00-18:00 local); the time counted
is real elapsed time inside those windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

MAX_DAYS = 3700  # about ten years of calendar days: beyond it a calendar is treated as broken


class CalendarError(ValueError):
    """A calendar that can never count time (no working day, end before start, unknown country)."""


@lru_cache(maxsize=64)
def holidays_for(country: str, subdivision: str = "") -> holidays.HolidayBase:
    """The public holidays of `country` (ISO code, "IT") and optional subdivision ("BZ").
    Raises CalendarError for a country or subdivision the `holidays` package does not know."""
    try:
        return holidays.country_holidays(country.upper(), subdiv=subdivision.upper() or None)
    except (NotImplementedError, KeyError) as exc:
        raise CalendarError(str(exc)) from exc


@dataclass(frozen=True)
class BusinessCalendar:
    tz: dt.tzinfo
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(18)
    is_holiday: Callable[[dt.date], bool] = field(default=lambda day: False, compare=False)

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise CalendarError("a calendar needs at least one working day (0-6)")
        if self.end <= self.start:
            raise CalendarError("working hours must end after they start")

    @classmethod
    def of(cls, *, time_zone: str, days: list[int] | frozenset[int], start: dt.time, end: dt.time,
           country: str = "", subdivision: str = "") -> BusinessCalendar:
        """A calendar with the public holidays of `country` (none for an empty country)."""
        public = holidays_for(country, subdivision) if country else None
        return cls(tz=ZoneInfo(time_zone), days=frozenset(days), start=start, end=end,
                   is_holiday=(lambda day: day in public) if public is not None else (lambda day: False))

    @property
    def day_length(self) -> dt.timedelta:
        """A nominal working day (end - start): what "one business day" of a target means."""
        return (dt.datetime.combine(dt.date.min, self.end) - dt.datetime.combine(dt.date.min, self.start))

    def _windows(self, first: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """The working windows (aware, ascending) of the working days from `first` on."""
        for offset in range(MAX_DAYS):
            day = first + dt.timedelta(days=offset)
            if day.weekday() not in self.days or self.is_holiday(day):
                continue
            opens = dt.datetime.combine(day, self.start, tzinfo=self.tz).astimezone(dt.UTC)
            closes = dt.datetime.combine(day, self.end, tzinfo=self.tz).astimezone(dt.UTC)
            yield opens, closes  # in UTC: arithmetic on them is real elapsed time
        raise CalendarError("no working day in ten years (every working day is a holiday)")

    def add(self, moment: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The moment `amount` of working time after `moment` (aware). Zero from outside working hours
        is the next opening; from inside, the moment itself. A negative amount is refused."""
        if moment.tzinfo is None:
            raise ValueError("an aware datetime is needed")
        if amount < dt.timedelta(0):
            raise ValueError("business time is added forwards only")
        given_tz, local = moment.tzinfo, moment.astimezone(self.tz)
        moment = moment.astimezone(dt.UTC)
        remaining = amount
        for opens, closes in self._windows(local.date() - dt.timedelta(days=1)):
            if closes <= moment:
                continue
            cursor = max(opens, moment)
            available = closes - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(given_tz)
            remaining -= available
        raise CalendarError("unreachable")  # pragma: no cover - _windows raises first

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end` (aware); negative when `end` comes first."""
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("aware datetimes are needed")
        if end < start:
            return -self.between(end, start)
        total = dt.timedelta(0)
        first = start.astimezone(self.tz).date() - dt.timedelta(days=1)
        start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
        if (end - start).days > MAX_DAYS:
            raise CalendarError("the span is too long to count")
        for opens, closes in self._windows(first):
            if opens >= end:
                break
            lo, hi = max(opens, start), min(closes, end)
            if hi > lo:
                total += hi - lo
        return total
