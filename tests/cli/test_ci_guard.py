"""scripts/pytest_ci_guard.py: under CI, browser tests may not be missing or skipped."""

import os
import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
SKIPPED_BROWSER_TEST = '''
import pytest

@pytest.mark.browser
def test_in_a_browser():
    pytest.skip("no chromium")

def test_plain():
    pass
'''


def run_guard(tmp_path, source: str, must_run: str | None) -> subprocess.CompletedProcess:
    """pytest with the guard on a throw-away test file, outside this project's configuration."""
    (tmp_path / "test_sample.py").write_text(source)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    browser: real browser\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMBUTO_CI_")}
    env["PYTHONPATH"] = str(SCRIPTS)
    if must_run:
        env["IMBUTO_CI_MUST_RUN"] = must_run
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "pytest_ci_guard", "-p", "no:django", "-p", "no:cacheprovider",
         "-q", "test_sample.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)


def test_a_skipped_browser_test_fails_the_ci_run(tmp_path):
    done = run_guard(tmp_path, SKIPPED_BROWSER_TEST, "browser")
    assert done.returncode == 1 and "CI guard: 1 test(s) marked 'browser' were skipped" in done.stdout


def test_missing_browser_tests_fail_the_ci_run(tmp_path):
    done = run_guard(tmp_path, "def test_plain():\n    pass\n", "browser")
    assert done.returncode == 1 and "no test marked 'browser' was collected" in done.stdout


def test_outside_ci_a_skip_is_only_a_skip(tmp_path):
    done = run_guard(tmp_path, SKIPPED_BROWSER_TEST, None)
    assert done.returncode == 0 and "CI guard" not in done.stdout
