"""Deeply nested JSON is refused at the edge (400) and JSON stored as sent is bounded: never a 500.

Issue 8, findings 6 and 7: 20 KB of `[` to the public form, a batch record nested ~1,000 levels,
event properties nested 3,000 levels all answered 500 (RecursionError, or SQLite's JSON_VALID).
"""

import json
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client

from imbuto.core import jsonbody
from imbuto.intake.models import EngagementEvent, WebForm
from imbuto.leads.models import Lead
from tests.api.conftest import assert_error
from tests.factories import channel

SRC = Path(__file__).resolve().parents[2] / "src" / "imbuto"


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


# ---- the check itself (no database) ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "limit", "ok"), [
    (nested(32), 32, True),
    (nested(33), 32, False),
    ('{"a": ' * 32 + "1" + "}" * 32, 32, True),
    ('{"a": ' * 33 + "1" + "}" * 33, 32, False),
    ('{"a": "' + "[" * 500 + '"}', 32, True),            # brackets inside strings do not count
    ('{"a": "\\"' + "[" * 500 + '"}', 32, True),         # nor after an escaped quote
    ("[" * 20_000, 32, False),                           # the finding: 20 KB of `[`
    ("[" * 40 + "}" * 40, 32, False),                    # unpaired brackets are refused too
    ("[" + "[1],[2]," * 100 + "[3]]", 2, True),          # many siblings, shallow
])
def test_depth_within_counts_levels_without_recursion(text, limit, ok):
    assert jsonbody.depth_within(text.encode(), limit) is ok


def test_loads_refuses_before_parsing_and_parses_otherwise():
    with pytest.raises(jsonbody.JsonTooDeep):
        jsonbody.loads("[" * 100_000)
    assert jsonbody.loads(b'{"leads": [{"email": "[a]"}]}') == {"leads": [{"email": "[a]"}]}


def test_too_deep_walks_parsed_values_iteratively():
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    assert jsonbody.too_deep(deep)
    assert not jsonbody.too_deep({"a": {"b": [1, 2, {"c": 3}]}}, limit=4)
    assert jsonbody.too_deep({"a": {"b": [1, 2, {"c": {}}]}}, limit=4)


def test_every_request_body_is_read_through_jsonbody():
    """One reader for request bodies: no view parses request.body with json.loads itself."""
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if re.search(r"json\.loads\(\s*request\.body", p.read_text())]
    assert offenders == []


# ---- the API ----------------------------------------------------------------------------------------

def test_a_body_nested_past_the_limit_is_a_400_with_the_error_shape(api_as, admin):
    response = api_as(admin).post("/api/v1/leads", raw="[" * 20_000)
    err = assert_error(response, 400, "json_too_deep")
    assert str(jsonbody.MAX_DEPTH) in err["message"]


def test_a_batch_record_nested_a_thousand_levels_is_a_400_not_a_500(api_as, admin):
    body = '{"leads": [{"first_name": "Ada", "notes": ' + nested(1_000) + "}]}"
    assert_error(api_as(admin).post("/api/v1/leads/batch", raw=body), 400, "json_too_deep")
    assert not Lead.objects.exists()


def test_a_batch_record_deeper_than_stored_json_may_be_is_rejected_alone(api_as, admin):
    """Inside the body limit, a record is stored as sent: deeper than MAX_STORED_DEPTH it is refused."""
    deep = json.loads(nested(jsonbody.MAX_STORED_DEPTH + 2))
    response = api_as(admin).post("/api/v1/leads/batch", {"leads": [
        {"first_name": "Deep", "email": "deep@example.com", "notes": deep},
        {"first_name": "Flat", "email": "flat@example.com"}]})
    assert response.status_code == 200, response.content
    first, second = response.json()["results"]
    assert first["outcome"] == "rejected" and "levels deep" in first["errors"]["__all__"][0]
    assert second["outcome"] == "created"


def test_event_properties_nested_three_thousand_levels_are_a_400(api_as, admin):
    body = ('{"events": [{"type": "like", "email": "a@example.com", "properties": {"a": '
            + nested(3_000) + "}}]}")
    assert_error(api_as(admin).post("/api/v1/events", raw=body), 400, "json_too_deep")
    assert not EngagementEvent.objects.exists()


def test_event_properties_deeper_than_stored_json_may_be_are_rejected(api_as, admin):
    props = {"a": json.loads(nested(jsonbody.MAX_STORED_DEPTH + 1))}
    response = api_as(admin).post("/api/v1/events", {"events": [
        {"type": "like", "email": "a@example.com", "properties": props}]})
    assert response.status_code == 200, response.content
    result = response.json()["results"][0]
    assert result["outcome"] == "rejected" and "levels deep" in result["errors"]["properties"][0]
    assert not EngagementEvent.objects.exists()


# ---- the public form and the chat (no login) --------------------------------------------------------

@pytest.fixture
def webform(db):
    cache.clear()
    yield WebForm.objects.create(name="Contact", channel=channel("web-form"),
                                 fields=[{"name": "email", "required": True}])
    cache.clear()


def test_the_public_form_answers_400_to_20_kb_of_brackets(webform):
    response = Client().post(f"/f/{webform.key}", "[" * 20_000, content_type="application/json",
                             headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_the_chat_answers_400_to_deep_json(db, settings):
    cache.clear()
    response = Client().post("/chat/sessions", "[" * 10_000, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
