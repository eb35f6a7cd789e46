"""UI fixtures: a logged-in browser-less client per persona."""

import pytest
from django.test import Client


@pytest.fixture
def client_as():
    def make(user, language="en"):
        client = Client(headers={"Accept-Language": language})
        client.force_login(user)
        return client
    return make


@pytest.fixture
def htmx():
    """Headers htmx sends with a (non-boosted) request."""
    return {"HX-Request": "true"}
