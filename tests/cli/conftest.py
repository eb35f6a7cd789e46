"""CLI test helpers: a fast password hasher and a way to feed a command's standard input."""

import io
import sys

import pytest


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    """The demo and `user add` hash passwords; the real hasher costs ~0.5 s per call."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def stdin(monkeypatch):
    """stdin("secret\\n") makes the next command read that as its standard input (a pipe)."""

    def feed(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return feed
