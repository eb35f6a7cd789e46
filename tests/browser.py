"""One headless Chromium launcher for the browser tests (Playwright): tests/ui, tests/api, tests/intake.

Missing Chromium or Playwright skips the test, except under CI=true where it fails: CI must run them.
Each test module keeps a small `browser` fixture that depends on its data fixtures, because the
database must be set up before Playwright starts its event loop in the test's thread.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls there otherwise.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
ON_CI = os.environ.get("CI") == "true"


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (playwright Browser), closed afterwards."""
    if not CHROMIUM:
        if ON_CI:
            pytest.fail("Chromium is required under CI=true (apt-get install chromium).")
        pytest.skip("Chromium is not installed (apt-get install chromium).")
    try:
        from playwright import sync_api
    except ImportError:
        if ON_CI:
            raise
        pytest.skip("Playwright is not installed (make install-test).")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
