"""The working-hours defaults raise no system-check warning at any time of day (a fixed time default
warned when the clock was within seconds of it, and the warning reached a CLI's stderr)."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from imbuto.sla.models import SlaPolicy


@pytest.mark.parametrize("field", ["work_start", "work_end"])
def test_no_fixed_default_warning_when_the_clock_reaches_the_default(field):
    default = SlaPolicy._meta.get_field(field).get_default()
    at = dt.datetime.combine(dt.date(2026, 12, 3), default, tzinfo=dt.UTC) + dt.timedelta(seconds=3)
    with mock.patch.object(timezone, "now", return_value=at):
        warnings = SlaPolicy._meta.get_field(field).check()
    assert [w.id for w in warnings] == []
    assert default in (dt.time(9), dt.time(18))
