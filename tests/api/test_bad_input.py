"""Hostile and broken requests: a clear 4xx in the one error shape, never a 500, nothing half-written."""

import json

import pytest
from django.test import override_settings

from imbuto.core.history import history_of
from imbuto.core.models import HistoryEntry
from imbuto.leads.models import Lead

from .conftest import assert_error


@pytest.fixture
def client(api_as, admin):
    return api_as(admin)


def nothing_written():
    assert not Lead.objects.exists()
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize("raw", ['{"first_name": ', "{'first_name': 'single quotes'}", "not json",
                                 "\xff\xfe", '{"a": 1}}'])
def test_malformed_json_is_400(client, raw):
    """(Deeply nested JSON has a code of its own, json_too_deep: see test_json_depth.py.)"""
    assert_error(client.post("/api/v1/leads", raw=raw), 400, "malformed_json")
    nothing_written()


@pytest.mark.parametrize("raw", ["[]", '"a string"', "42", "null", '[{"first_name": "x"}]'])
def test_json_that_is_not_an_object_is_422(client, raw):
    assert_error(client.post("/api/v1/leads", raw=raw), 422, "validation_error")
    nothing_written()


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "text/csv"])
def test_a_body_that_is_not_json_is_415(client, content_type):
    response = client.client.post("/api/v1/leads", '{"first_name": "Ugo"}', content_type=content_type,
                                  headers=client._headers())
    assert_error(response, 415, "unsupported_media_type")
    nothing_written()


def test_form_encoded_garbage_is_400(client):
    response = client.client.post("/api/v1/leads", "first_name=Ugo",
                                  content_type="application/x-www-form-urlencoded",
                                  headers=client._headers())
    assert_error(response, 400, "malformed_json")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_body_over_the_limit_is_413(client):
    body = {"first_name": "x", "notes": "y" * 20_000}
    err = assert_error(client.post("/api/v1/leads", body), 413, "payload_too_large")
    assert "10000" in err["message"]
    nothing_written()


def test_too_big_found_only_when_the_body_is_read_is_413_too(rf):
    """Safety net: if Django raises RequestDataTooBig inside a view, the answer is still 413 JSON."""
    from django.core.exceptions import RequestDataTooBig

    from imbuto.core.middleware import ApiEdgeMiddleware

    middleware = ApiEdgeMiddleware(lambda request: None)
    response = middleware.process_exception(rf.post("/api/v1/leads"), RequestDataTooBig())
    assert response.status_code == 413
    assert json.loads(response.content)["error"]["code"] == "payload_too_large"
    assert middleware.process_exception(rf.post("/leads/new"), RequestDataTooBig()) is None


@pytest.mark.parametrize(("body", "field"), [
    ({"first_name": ["a"]}, "first_name"),
    ({"email": {"a": 1}}, "email"),
    ({"last_name": "Rossi", "campaign": 1.5}, "campaign"),
    ({"last_name": "Rossi", "campaign": -3}, "campaign"),
    ({"owner": True}, "owner"),
    ({"last_name": "Rossi", "consent_at": "last tuesday"}, "consent_at"),
    ({"last_name": "Rossi", "temperature": "lukewarm"}, "temperature"),
    ({"last_name": "Rossi", "stage": "won"}, "stage"),
    ({"last_name": "Rossi", "country": ["IT"]}, "country"),
    ({"referrer_account": 99999999999999999999999}, "referrer_account"),
])
def test_wrong_types_and_values_are_422_naming_the_field(client, body, field):
    assert_error(client.post("/api/v1/leads", body), 422, "validation_error", field)
    nothing_written()


def test_values_a_batch_reads_are_read_by_the_single_endpoint_too(client):
    """A number as a name, a country name, a timeframe in words: accepted as by /leads/batch (issue 9);
    what cannot be read is a warning and a quality flag, not a 422
    (tests/intake/test_same_record_everywhere.py)."""
    response = client.post("/api/v1/leads", {"first_name": 42, "country": "Italy", "size_band": "huge",
                                              "purchase_timeframe": "tomorrow"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["first_name"], body["country"], body["size_band"]) == ("42", "IT", "")
    assert set(body["warnings"]) == set(body["quality_flags"]) == {"size_band", "purchase_timeframe"}


def test_unknown_fields_are_422(client):
    err = assert_error(client.post("/api/v1/leads", {"first_name": "Ugo", "favourite_colour": "red"}),
                       422, "validation_error", "favourite_colour")
    assert "favourite_colour" in err["message"]
    nothing_written()


def test_read_only_fields_are_refused_too(client):
    for field, value in [("id", 5), ("score", 99), ("created_at", "2020-01-01"), ("merged_into", 1)]:
        assert_error(client.post("/api/v1/leads", {"first_name": "U", field: value}), 422, field=field)
    nothing_written()


@pytest.mark.parametrize("field", ["first_name", "last_name", "email", "company_name", "city",
                                   "vat_id", "utm_source", "external_id"])
def test_over_long_strings_are_422_with_the_model_limit(client, field):
    limit = Lead._meta.get_field(field).max_length
    err = assert_error(client.post("/api/v1/leads", {field: "x" * (limit + 1)}), 422, field=field)
    assert str(limit) in err["fields"][field][0]
    at_limit = {"last_name": "Limit", "email": "limit@example.it", field: "x" * limit}
    assert client.post("/api/v1/leads", at_limit).status_code == 201


def test_a_10k_character_string_is_422(client):
    assert_error(client.post("/api/v1/leads", {"first_name": "é" * 10_000}), 422, field="first_name")
    assert_error(client.post("/api/v1/leads/1/transition", {"to": "lead", "reason": "r" * 10_000}),
                 422, field="reason")
    nothing_written()


@pytest.mark.parametrize(("field", "value"), [("first_name", "Ma\x00rio"), ("email", "\x00"),
                                              ("company_name", "Acme\u0000 S.r.l.")])
def test_nul_characters_in_a_new_record_are_dropped_as_in_a_batch_not_a_database_crash(client, field, value):
    response = client.post("/api/v1/leads", {field: value, "last_name": "Rossi"})
    assert response.status_code == 201, response.content
    assert getattr(Lead.objects.get(), field) == value.replace("\x00", "")


def test_nul_characters_in_patch_transition_and_query_are_422(client, rep_lead):
    assert_error(client.patch(f"/api/v1/leads/{rep_lead.pk}", {"city": "Ba\x00ri"}), 422, field="city")
    assert_error(client.post(f"/api/v1/leads/{rep_lead.pk}/transition", {"to": "lead", "reason": "\x00"}),
                 422, field="reason")
    for param in ("search", "owner", "campaign", "channel", "country", "ordering", "cursor"):
        assert_error(client.get("/api/v1/leads", **{param: "a\x00b"}), 422, field=param)
    rep_lead.refresh_from_db()
    assert rep_lead.city == "" and rep_lead.stage == "suspect"
    assert not history_of(rep_lead).exists()


def test_emoji_and_scripts_round_trip(client):
    body = {"first_name": "Zoë 😀", "last_name": "Ñandú 李", "company_name": "🚀 Rockets S.r.l.",
            "city": "Cantù", "street": "Via dell'Arco 1 👍"}
    created = client.post("/api/v1/leads", body)
    assert created.status_code == 201
    again = client.get(f"/api/v1/leads/{created.json()['id']}").json()
    assert {k: again[k] for k in body} == body
    assert client.get("/api/v1/leads", search="😀").json()["items"][0]["first_name"] == "Zoë 😀"


@pytest.mark.parametrize("cursor", [
    "W10",                                      # []
    "WyJhIiwgImIiXQ",                           # ["a", "b"]: id not a number
    "WyIyMDI2LTAxLTAxIiwgOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5XQ",   # id overflows a bigint
    "W3siYSI6IDF9LCAxXQ",                       # [{"a": 1}, 1]
    "WyJub3QgYSBkYXRlIiwgMV0",                  # ["not a date", 1] for a date ordering
    "%%%", "=" * 50,
])
def test_forged_cursors_are_422(client, cursor):
    assert_error(client.get("/api/v1/leads", cursor=cursor), 422, field="cursor")


def test_a_string_cursor_for_the_score_ordering_is_422(client):
    import base64

    forged = base64.urlsafe_b64encode(json.dumps(["abc", 1]).encode()).decode()
    assert_error(client.get("/api/v1/leads", ordering="score", cursor=forged), 422, field="cursor")


@pytest.mark.parametrize("params", [
    {"owner": "99999999999999999999999"}, {"campaign": "99999999999999999999999"}, {"owner": "²"},
    {"created_after": "0001-01-02"}, {"created_before": "9999-12-30T23:59:59"},
])
def test_odd_but_valid_filters_answer_200(client, params):
    assert client.get("/api/v1/leads", **params).status_code == 200


def test_dates_beyond_what_utc_can_hold_are_no_bound(client, rep_lead):
    """0001-01-01 in Rome is year 0 in UTC: the documented date format allows it, so it is no bound."""
    for params in ({"created_after": "0001-01-01"}, {"created_before": "9999-12-31T23:59:59-12:00"}):
        response = client.get("/api/v1/leads", **params)
        assert response.status_code == 200, response.content
        assert [item["id"] for item in response.json()["items"]] == [rep_lead.pk]


def test_huge_ids_in_paths_are_404(client):
    assert_error(client.get("/api/v1/leads/99999999999999999999999999"), 404)
    assert_error(client.post("/api/v1/leads/99999999999999999999999999/transition", {"to": "lead"}), 404)


def test_unknown_endpoints_and_methods_use_the_error_shape(client, rep_lead):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v1/leads/abc"), 404, "not_found")
    response = client.client.delete(f"/api/v1/leads/{rep_lead.pk}", headers=client._headers())
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_an_empty_body_is_422(client):
    assert_error(client.post("/api/v1/leads", raw=""), 422, "validation_error")
    nothing_written()


def test_a_crash_mid_write_leaves_nothing_half_written(client, rep_lead, monkeypatch):
    """The change and its history row are one transaction: a crash between them leaves neither."""
    from imbuto.core import history

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(history, "record", boom)
    with pytest.raises(RuntimeError):
        client.post(f"/api/v1/leads/{rep_lead.pk}/transition", {"to": "lead"})
    with pytest.raises(RuntimeError):
        client.patch(f"/api/v1/leads/{rep_lead.pk}", {"city": "Bari"})
    rep_lead.refresh_from_db()
    assert (rep_lead.stage, rep_lead.city) == ("suspect", "")
    assert not HistoryEntry.objects.exists()


def test_a_chunked_body_without_length_is_411_not_silently_empty(client):
    response = client.client.post("/api/v1/leads", '{"first_name": "Ugo"}', content_type="application/json",
                                  headers=client._headers(), CONTENT_LENGTH="",
                                  HTTP_TRANSFER_ENCODING="chunked")
    assert_error(response, 411, "length_required")
    nothing_written()


def test_a_crash_still_answers_json_in_the_error_shape(api_as, admin, monkeypatch):
    """Should a bug slip through, the client gets the error shape (500), not an HTML page."""
    from django.test import Client

    from imbuto.leads import selectors

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "lead_list", boom)
    client = api_as(admin)
    client.client = Client(raise_request_exception=False)
    response = client.get("/api/v1/leads")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "bug" not in response.content.decode()
