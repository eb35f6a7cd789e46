import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _language_back_to_default():
    """A test client request in Italian leaves Italian active in the thread: reset it afterwards."""
    yield
    translation.deactivate()
