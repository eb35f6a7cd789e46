"""Pure lifecycle rules: every legal and illegal move, and temperature from timeframe."""

import itertools

import pytest

from imbuto.leads import lifecycle
from imbuto.leads.choices import Stage

LEGAL = {
    ("suspect", "lead"), ("suspect", "mql"), ("suspect", "sql"), ("suspect", "discarded"),
    ("suspect", "parked"), ("lead", "mql"), ("lead", "sql"), ("lead", "discarded"),
    ("lead", "parked"), ("mql", "sql"), ("mql", "lead"), ("mql", "discarded"), ("mql", "parked"),
    ("sql", "opportunity"), ("sql", "mql"), ("sql", "discarded"), ("sql", "parked"),
    ("opportunity", "customer"), ("opportunity", "sql"), ("opportunity", "discarded"),
    ("opportunity", "parked"), ("discarded", "suspect"), ("discarded", "lead"),
    ("parked", "suspect"), ("parked", "lead"), ("parked", "mql"), ("parked", "sql"),
}


@pytest.mark.parametrize("src,dst", list(itertools.product(Stage.values, Stage.values)))
def test_every_move_is_legal_exactly_when_listed(src, dst):
    assert lifecycle.is_allowed(src, dst) == ((src, dst) in LEGAL)


def test_customer_is_terminal():
    assert lifecycle.allowed_targets("customer") == ()


@pytest.mark.parametrize("timeframe,temperature", [
    ("immediate", "hot"), ("within_2_months", "warm"), ("later", "cold"), ("unknown", "cold"),
    (None, "cold"),
])
def test_temperature_follows_the_brief(timeframe, temperature):
    assert lifecycle.temperature_for(timeframe) == temperature


@pytest.mark.parametrize("text,expected", [
    ("spam", ("spam", "")), ("No purchase intent", ("no_purchase_intent", "")),
    ("moved to Spain", ("other", "moved to Spain")), ("", ("", "")),
])
def test_discard_reasons_parse_to_codes(text, expected):
    from imbuto.leads.choices import DiscardReason
    assert lifecycle.parse_reason(text, DiscardReason) == expected
