"""An in-process worker leaves no signal handler behind for the tests after it (tests/conftest.py)."""

import signal

import pytest
from django.core.management import call_command

BEFORE = {}


@pytest.mark.django_db(transaction=True)
def test_a_db_worker_run_in_process_changes_the_sigterm_handler():
    BEFORE["handler"] = signal.getsignal(signal.SIGTERM)
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    assert signal.getsignal(signal.SIGTERM) is not BEFORE["handler"]  # what the fixture must undo


def test_the_next_test_has_the_handler_back():
    if "handler" not in BEFORE:
        pytest.skip("meaningful only after the test above, in the same process")
    assert signal.getsignal(signal.SIGTERM) is BEFORE["handler"]
