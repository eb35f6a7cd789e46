"""The per-row error report as CSV (web download and the CLI's FILE.errors.csv).

Every cell is escaped against spreadsheet formula injection: the report quotes back exactly the
cells an attacker controls, so it must never hand Excel a live `=HYPERLINK(...)`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from ..models import ImportJob, RowLevel
from .columns import is_formula_like


def safe_cell(value: Any) -> str:
    """A leading = + - @ (or tab/CR) is prefixed with an apostrophe, as OWASP recommends."""
    text = "" if value is None else str(value)
    if text and (is_formula_like(text) or text[0] in "\t\r"):
        return "'" + text
    return text


def report_rows(lines: Iterable[tuple[Any, ...]]) -> Iterator[list[str]]:
    """The header, then one CSV row per (row, field, message, data, level) line. Level is the last
    column, so readers of the older four-column report find their columns where they were."""
    labels = dict(RowLevel.choices)
    yield [_("row"), _("field"), _("message"), _("data"), _("level")]
    for row, field, message, raw, level in lines:
        yield [safe_cell(row), safe_cell(field), safe_cell(message), safe_cell(raw),
               str(labels.get(level, level))]


class _Echo:
    def write(self, value: str) -> str:
        return value


def stream_job_report(job: ImportJob) -> Iterator[str]:
    """CSV text of a job's report, row by row (for a StreamingHttpResponse), with a BOM for Excel."""
    from ..explanations import message_text

    writer = csv.writer(_Echo())
    language = get_language()  # streamed after the view returned: the reader's language, kept
    yield "\ufeff"
    lines = (job.row_errors.order_by("row_number", "id")
             .values_list("row_number", "field", "message", "raw", "level", "code", "params"))

    def texts() -> Iterator[tuple[Any, ...]]:
        for row, field, message, raw, level, code, params in lines.iterator(chunk_size=2000):
            with override(language):  # never held across a yield: the thread's language stays its own
                text = message_text(code, params, message)
            yield row, field, text, raw, level

    for row in report_rows(texts()):
        yield writer.writerow(row)


def write_job_report(job: ImportJob, out: IO[str]) -> int:
    """Write the report of `job` to `out`; returns the number of lines (header excluded)."""
    count = 0
    for text in stream_job_report(job):
        out.write(text)
        count += 1
    return max(count - 2, 0)  # the BOM and the header


class ReportFile:
    """Report lines written as they come (the CLI dry run keeps nothing in memory or database)."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        out.write("\ufeff")
        self.writer = csv.writer(out)
        self.writer.writerow(next(report_rows([])))

    def add(self, lines: Iterable[Any]) -> None:
        rows = report_rows((line.row, line.field, line.message, line.raw, line.level) for line in lines)
        next(rows)  # the header, written once by __init__
        for row in rows:
            self.writer.writerow(row)
            self.count += 1
