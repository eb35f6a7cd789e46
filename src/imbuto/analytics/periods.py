"""Periods as people say them: 2026-Q3, 2026-07, 2026, or two dates; months and quarters of targets."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from imbuto.core.errors import ValidationFailed


@dataclass(frozen=True)
class Period:
    """Whole days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(start: dt.date, kind: str) -> dt.date:
    return add_months(start, 3 if kind == "quarter" else 1) - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """2026-Q3, 2026-07 or 2026."""
    text = text.strip().upper()
    if (m := re.fullmatch(r"(\d{4})", text[:4])) and not 1900 <= int(m[1]) <= 2200:
        raise ValidationFailed(_("Give dates between 1900 and 2200."),
                               fields={"period": [_("Out of range.")]})
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        start = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
        return Period(start, period_end(start, "quarter"))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(m[2]) <= 12:
        start = dt.date(int(m[1]), int(m[2]), 1)
        return Period(start, period_end(start, "month"))
    if m := re.fullmatch(r"(\d{4})", text):
        return Period(dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31))
    raise ValidationFailed(
        _("Write the period as 2026-Q3, 2026-07 or 2026."), fields={"period": [_("Unknown period.")]}
    )


def make_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """from/to as given; without them the current quarter. `to` before `from` is refused."""
    if start is None and end is None:
        q = quarter_of(today)
        return Period(q, period_end(q, "quarter"))
    start = start or quarter_of(end or today)
    end = end or today
    if not (1900 <= start.year <= 2200 and 1900 <= end.year <= 2200):
        raise ValidationFailed(_("Give dates between 1900 and 2200."), fields={"from": [_("Out of range.")]})
    if end < start:
        raise ValidationFailed(
            _("The end of the period comes before its start."), fields={"to": [_("Before the start.")]}
        )
    if (end - start).days > 3700:
        raise ValidationFailed(_("A period may span at most ten years."), fields={"to": [_("Too far.")]})
    return Period(start, end)
