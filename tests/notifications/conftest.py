"""Notification tests use the UI personas' logged-in clients too."""

from tests.ui.conftest import client_as  # noqa: F401
