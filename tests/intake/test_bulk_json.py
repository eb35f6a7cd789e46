"""The pipeline's JSON columns are written as json.dumps(v, cls=DjangoJSONEncoder, ensure_ascii=False)
wrote them, through one shared encoder and a shortcut for empty values."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from imbuto.intake.pipeline.bulk import _json

pytestmark = pytest.mark.one_database


@pytest.mark.parametrize("value", [
    {}, [], {"a": "è"}, [1, 2.5, None, True], {"n": {"m": []}}, "x", "", 0, False, float("nan"),
    {"at": dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "d": decimal.Decimal("1.5"), "u": uuid.UUID(int=5)},
    {"phone": "invalid phone number", "street": ["too long"]},
])
def test_json_column_values_are_what_json_dumps_gives(value: object) -> None:
    assert _json(value) == json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


def test_none_stays_null() -> None:
    assert _json(None) is None
