"""One parser per concept (leads.parsing): what each way in understands, and that they all use it."""

from __future__ import annotations

import pytest

from imbuto.intake.capture import chatbot
from imbuto.intake.capture import forms as capture_forms
from imbuto.intake.importing import columns
from imbuto.intake.normalize import normalize_record
from imbuto.leads.parsing import parse_language, parse_size_band, parse_timeframe, parse_when, parse_yes_no

TIMEFRAMES = [
    ("subito", "immediate"), ("ASAP", "immediate"), ("this month", "immediate"), ("Right away", "immediate"),
    ("1-3 months", "within_2_months"), ("1-2 mesi", "within_2_months"), ("Entro 2 mesi", "within_2_months"),
    ("within_2_months", "within_2_months"), ("in 6 weeks", "within_2_months"), ("a breve", "within_2_months"),
    ("più avanti", "later"), ("Piu avanti", "later"), ("6-12 months", "later"), ("tra tre mesi", "later"),
    ("next year", "later"), ("non lo so", "unknown"), ("N/A", "unknown"), ("n.d.", "unknown"),
    ("whenever", None), ("Q3", None), ("", None),
]


@pytest.mark.parametrize(("text", "expected"), TIMEFRAMES)
def test_a_timeframe_reads_the_same_in_the_normaliser_and_the_chat(text, expected):
    assert parse_timeframe(text) == expected
    norm = normalize_record({"purchase_timeframe": text})
    assert norm.values.get("purchase_timeframe") == expected
    assert ("purchase_timeframe" in norm.flags) == (expected is None and bool(text))
    assert chatbot.parse_timeframe(text) == (expected or "unknown")


@pytest.mark.parametrize(("text", "expected"), [
    ("1-9", "1-9"), ("250+", "250+"), ("10 – 49", "10-49"), ("120", "50-249"), ("11-50 employees", "10-49"),
    ("1.200", "250+"), ("3 dipendenti", "1-9"), ("tanti", None), ("²", None),
])
def test_a_size_band_reads_the_same_everywhere(text, expected):
    assert parse_size_band(text) == expected
    assert normalize_record({"size_band": text}).values.get("size_band") == expected


def test_an_import_leaves_the_reading_of_values_to_the_normaliser():
    """A list column passes "1-3 months" on as typed; it was read by a third parser before."""
    record, _errors, warnings = columns.plan(["Email", "Timeframe", "Employees"]).record(
        ["a@b.it", "1-3 months", "lots"])
    assert (record["purchase_timeframe"], record["size_band"], warnings) == ("1-3 months", "lots", {})


@pytest.mark.parametrize(("text", "expected"), [
    ("Italiano", "it"), ("english", "en"), ("en_GB", "en-gb"), ("DE", "de"), ("klingon", None),
])
def test_a_language_reads_the_same_for_a_record_and_the_chat(text, expected):
    assert parse_language(text) == expected
    assert chatbot.language_of(text) == ("it" if expected == "it" else "en")


@pytest.mark.parametrize(("value", "expected"), [
    ("on", True), ("1", True), ("Sì, acconsento", True), ("yes", True), (True, True), ("certo", True),
    ("no grazie", False), ("0", False), ("No", False), (False, False), ("forse", None), ("", None),
])
def test_yes_and_no_read_the_same_in_the_web_form_and_the_chat(value, expected):
    assert parse_yes_no(value) is expected
    assert capture_forms._truthy(value) is (expected is True)
    if isinstance(value, str) and value:
        turn = chatbot.advance("consent", {"first_name": "Ada"}, value, lang="it")
        assert turn.step == {True: "done", False: "declined", None: "consent"}[expected]


def test_dates_are_iso_8601_with_the_current_time_zone_when_none_is_given(settings):
    assert parse_when("2026-03-01").isoformat().startswith("2026-03-01T00:00:00")
    # The same instant, in UTC (PostgreSQL refuses offsets past +-15:59, RFC 3339 allows +-23:59).
    assert parse_when("2026-03-01T10:30:00+02:00").isoformat() == "2026-03-01T08:30:00+00:00"
    assert parse_when("6104-01-18T23:33:54+16:01").isoformat() == "6104-01-18T07:32:54+00:00"
    assert parse_when("martedì scorso") is None
