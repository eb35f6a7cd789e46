"""pytest plugin loaded by scripts/test.sh: under CI, some kinds of test may not be skipped silently.

IMBUTO_CI_MUST_RUN=browser      such tests must be collected and none may be skipped;
IMBUTO_CI_NO_SKIP=postgres_only such tests may not be skipped (e.g. on the PostgreSQL run).
A session that collects no test at all fails anyway (pytest exit code 5).
"""

from __future__ import annotations

import os

import pytest


def _markers(name: str) -> set[str]:
    return {m.strip() for m in os.environ.get(name, "").split(",") if m.strip()}


MUST_RUN = _markers("IMBUTO_CI_MUST_RUN")
NO_SKIP = MUST_RUN | _markers("IMBUTO_CI_NO_SKIP")
_collected: dict[str, int] = {}
_skipped: dict[str, list[str]] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for marker in NO_SKIP:
        _collected[marker] = sum(1 for item in items if item.get_closest_marker(marker))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped:
        for marker in NO_SKIP & set(report.keywords):
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            _skipped.setdefault(marker, []).append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    problems = [f"no test marked '{m}' was collected" for m in sorted(MUST_RUN) if not _collected.get(m)]
    for marker, skips in sorted(_skipped.items()):
        problems.append(f"{len(skips)} test(s) marked '{marker}' were skipped, e.g. {skips[0]}")
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.ensure_newline()
        for problem in problems:
            line = f"CI guard: {problem}"
            if reporter:
                reporter.write_line(line, red=True, bold=True)
            else:
                print(line)
        if session.exitstatus == 0:
            session.exitstatus = 1
