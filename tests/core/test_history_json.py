"""core.history.JsonTexts: a batch's history JSON, encoded once per batch, is the very text
json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False) gives (what the ORM would store)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given, settings
from hypothesis import strategies as st

from imbuto.core.history import JsonTexts

pytestmark = pytest.mark.one_database

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.text() | st.sampled_from([1, True, 1.0, "1"])
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


def dumps(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(values, max_size=12))
def test_every_value_of_a_batch_gets_the_text_json_dumps_gives(batch):
    text = JsonTexts()
    for value in [*batch, *batch]:  # the second time from the memo
        assert text(value) == dumps(value)


def test_equal_dicts_of_different_types_are_not_mixed_up():
    text = JsonTexts()
    for value in ({"a": 1}, {"a": True}, {"a": 1.0}, {"a": "1"}, {"a": 1}, {"a": None}, {}):
        assert text(value) == dumps(value)


def test_values_only_djangos_encoder_knows_go_through_it():
    text = JsonTexts()
    value = {"when": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), "amount": Decimal("1.50"), "città": "Bz"}
    assert text(value) == dumps(value) == '{"when": "2026-01-02T03:04:00Z", "amount": "1.50", "città": "Bz"}'
