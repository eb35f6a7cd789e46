"""Helpers for the API tests: the one error shape, and a few leads in known places."""

import pytest

from tests.factories import LeadFactory


def assert_error(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """Every 4xx of the API has the shape {"error": {"code", "message", "fields"}}."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) == {"code", "message", "fields"}, err
    assert isinstance(err["message"], str) and err["message"]
    assert isinstance(err["fields"], dict)
    if code:
        assert err["code"] == code, err
    if field:
        assert field in err["fields"], err
    return err


@pytest.fixture
def sql_lead(rep):
    """A lead past marketing's part of the funnel: marketers may read it, not change it."""
    return LeadFactory(owner=rep, stage="sql", first_name="Sara", last_name="Sql")


@pytest.fixture
def unowned_lead(db):
    return LeadFactory(owner=None, first_name="Nobody", last_name="Owns")
