"""Business time (sla.business_time): adding working time to a moment and measuring it between two,
over weekends, public holidays, evenings and DST changes, in the calendar's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from imbuto.sla.business_time import BusinessCalendar, CalendarError, holidays_for

# Pure code, no database: run once (the PostgreSQL run) when scripts/test.sh runs both.
pytestmark = pytest.mark.one_database

ROME = ZoneInfo("Europe/Rome")
IT = BusinessCalendar.of(time_zone="Europe/Rome", days=[0, 1, 2, 3, 4], start=dt.time(9), end=dt.time(18),
                         country="IT")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def at(y, mo, d, h=0, mi=0, tz=ROME):
    return dt.datetime(y, mo, d, h, mi, tzinfo=tz)


# 2026-03-02 is a Monday; 2026-06-02 (Tuesday) Festa della Repubblica; 2026-12-25 Friday Christmas.
@pytest.mark.parametrize(("start", "amount", "expected"), [
    (at(2026, 3, 2, 10), H, at(2026, 3, 2, 11)),                       # inside hours
    (at(2026, 3, 2, 17, 30), H, at(2026, 3, 3, 9, 30)),                # across the evening
    (at(2026, 3, 2, 20), H, at(2026, 3, 3, 10)),                       # arrives in the evening
    (at(2026, 3, 2, 7), H, at(2026, 3, 2, 10)),                        # arrives before opening
    (at(2026, 3, 6, 17), 2 * H, at(2026, 3, 9, 10)),                   # Friday to Monday
    (at(2026, 3, 7, 12), H, at(2026, 3, 9, 10)),                       # Saturday
    (at(2026, 3, 8, 23, 59), 30 * M, at(2026, 3, 9, 9, 30)),           # Sunday night
    (at(2026, 3, 2, 10), 9 * H, at(2026, 3, 3, 10)),                   # one business day
    (at(2026, 3, 2, 10), 27 * H, at(2026, 3, 5, 10)),                  # three business days
    (at(2026, 3, 2, 9), 9 * H, at(2026, 3, 2, 18)),                    # exactly the day: its close
    (at(2026, 3, 2, 17), dt.timedelta(0), at(2026, 3, 2, 17)),          # zero: the moment if open..
    (at(2026, 3, 2, 18), dt.timedelta(0), at(2026, 3, 3, 9)),           # (closing time is closed)
    (at(2026, 3, 2, 19), dt.timedelta(0), at(2026, 3, 3, 9)),           # ..else the next opening
    (at(2026, 6, 1, 17), 2 * H, at(2026, 6, 3, 10)),                   # 2 June is a holiday
    (at(2026, 12, 24, 17), 2 * H, at(2026, 12, 28, 10)),               # Christmas, St Stephen, weekend
    (at(2026, 12, 31, 17), 2 * H, at(2027, 1, 4, 10)),                 # New Year's Day, then weekend
    (at(2026, 4, 3, 17), 2 * H, at(2026, 4, 7, 10)),                   # Easter Monday 6 April 2026
    (at(2026, 3, 2, 9, 0, dt.UTC), H, at(2026, 3, 2, 11)),             # 09:00 UTC is 10:00 in Rome
])
def test_add(start, amount, expected):
    got = IT.add(start, amount)
    assert got == expected
    assert got.tzinfo is start.tzinfo


@pytest.mark.parametrize(("start", "end", "expected"), [
    (at(2026, 3, 2, 10), at(2026, 3, 2, 11), H),
    (at(2026, 3, 2, 17, 30), at(2026, 3, 3, 9, 30), H),
    (at(2026, 3, 6, 17), at(2026, 3, 9, 10), 2 * H),
    (at(2026, 3, 7, 10), at(2026, 3, 8, 20), dt.timedelta(0)),          # a weekend counts nothing
    (at(2026, 3, 2, 19), at(2026, 3, 3, 8), dt.timedelta(0)),            # a night counts nothing
    (at(2026, 3, 2, 0), at(2026, 3, 9, 0), 45 * H),                      # a whole week
    (at(2026, 6, 1, 17), at(2026, 6, 3, 10), 2 * H),                     # across a holiday
    (at(2026, 3, 2, 11), at(2026, 3, 2, 10), -H),                        # backwards is negative
    (at(2026, 3, 2, 10), at(2026, 3, 2, 10), dt.timedelta(0)),
])
def test_between(start, end, expected):
    assert IT.between(start, end) == expected


def test_add_and_between_agree_over_a_year():
    moment = at(2026, 1, 1, 0)
    for step in range(0, 24 * 365, 37):
        start = moment + dt.timedelta(hours=step)
        amount = dt.timedelta(minutes=(step * 13) % 2000 + 1)
        assert IT.between(start, IT.add(start, amount)) == amount


def test_dst_spring_forward_with_night_hours():
    """29 March 2026, 02:00 -> 03:00 in Rome: a working window 00:00-06:00 that night lasts 5 hours."""
    night = BusinessCalendar(tz=ROME, days=frozenset(range(7)), start=dt.time(0), end=dt.time(6))
    assert night.between(at(2026, 3, 29, 0), at(2026, 3, 29, 6)) == 5 * H
    assert night.add(at(2026, 3, 29, 0), 5 * H) == at(2026, 3, 29, 6)
    assert night.between(at(2026, 10, 25, 0), at(2026, 10, 25, 6)) == 7 * H  # fall back: 7 hours


def test_dst_keeps_local_working_hours():
    """Across the DST change (29 March 2026) the day still opens at 09:00 local: 08:00 UTC in winter,
    07:00 UTC in summer."""
    friday = at(2026, 3, 27, 17)
    monday = IT.add(friday, 2 * H)
    assert monday == at(2026, 3, 30, 10)
    assert monday.astimezone(dt.UTC).hour == 8
    assert IT.add(at(2026, 3, 27, 9), H).astimezone(dt.UTC).hour == 9


def test_subdivision_holidays():
    """Bolzano keeps Whit Monday (25 May 2026); the rest of Italy works."""
    bz = BusinessCalendar.of(time_zone="Europe/Rome", days=[0, 1, 2, 3, 4], start=dt.time(9),
                             end=dt.time(18), country="IT", subdivision="BZ")
    assert IT.add(at(2026, 5, 22, 17), 2 * H) == at(2026, 5, 25, 10)
    assert bz.add(at(2026, 5, 22, 17), 2 * H) == at(2026, 5, 26, 10)


def test_other_country_and_time_zone():
    de = BusinessCalendar.of(time_zone="Europe/Berlin", days=[0, 1, 2, 3, 4], start=dt.time(8),
                             end=dt.time(16), country="DE")
    # 3 October is German Unity Day (a Saturday in 2026: use 2025, a Friday)
    got = de.add(dt.datetime(2025, 10, 2, 15, tzinfo=ZoneInfo("Europe/Berlin")), 2 * H)
    assert got == dt.datetime(2025, 10, 6, 9, tzinfo=ZoneInfo("Europe/Berlin"))


def test_weekend_working_days():
    shop = BusinessCalendar(tz=ROME, days=frozenset({5, 6}), start=dt.time(10), end=dt.time(12))
    assert shop.add(at(2026, 3, 2, 10), H) == at(2026, 3, 7, 11)


@pytest.mark.parametrize("kwargs", [
    {"days": frozenset()},
    {"days": frozenset({7})},
    {"start": dt.time(18), "end": dt.time(9)},
    {"start": dt.time(9), "end": dt.time(9)},
])
def test_broken_calendars_are_refused(kwargs):
    with pytest.raises(CalendarError):
        BusinessCalendar(tz=ROME, **kwargs)


def test_unknown_country_or_subdivision():
    with pytest.raises(CalendarError):
        holidays_for("XX")
    with pytest.raises(CalendarError):
        holidays_for("IT", "ZZ")


def test_every_day_a_holiday_ends_with_an_error():
    never = BusinessCalendar(tz=ROME, is_holiday=lambda day: True)
    with pytest.raises(CalendarError):
        never.add(at(2026, 3, 2, 10), H)


def test_naive_and_negative_input():
    with pytest.raises(ValueError):
        IT.add(dt.datetime(2026, 3, 2, 10), H)
    with pytest.raises(ValueError):
        IT.add(at(2026, 3, 2, 10), -H)
    with pytest.raises(ValueError):
        IT.between(dt.datetime(2026, 3, 2, 10), at(2026, 3, 2, 10))


def test_day_length():
    assert IT.day_length == 9 * H
