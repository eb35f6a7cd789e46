"""The per-row error report as CSV (web download and the CLI's FILE.errors.csv).

Every cell is escaped against spreadsheet formula injection: the report quotes back exactly the
cells an attacker controls, so it must never hand Excel a live `=HYPERLINK(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils import translation
from django.utils.translation import gettext as _

from imbuto.core import tabular
from imbuto.core.tabular import safe_cell

from ..models import ImportJob, RowLevel


def report_rows(lines: Iterable[tuple[Any, ...]]) -> Iterator[list[str]]:
    """The header, then one CSV row per (row, field, message, data, level) line. Level is the last
    column, so readers of the older four-column report find their columns where they were."""
    labels = dict(RowLevel.choices)
    yield [_("row"), _("field"), _("message"), _("data"), _("level")]
    for row, field, message, raw, level in lines:
        yield [safe_cell(row), safe_cell(field), safe_cell(message), safe_cell(raw),
               str(labels.get(level, level))]


def stream_job_report(job: ImportJob, language: str | None = None) -> Iterator[str]:
    """CSV text of a job's report, row by row (for a StreamingHttpResponse), in the reader's language
    and the separator their Excel expects (core.tabular). Messages stored as codes are rendered here."""
    from ..explanations import message_text

    language = language or translation.get_language() or "en"
    lines = (job.row_errors.order_by("row_number", "id")
             .values_list("row_number", "field", "message", "raw", "level", "code", "params"))

    def texts() -> Iterator[tuple[Any, ...]]:
        for row, field, message, raw, level, code, params in lines.iterator(chunk_size=2000):
            yield row, field, message_text(code, params, message), raw, level

    def in_language(rows: Iterator[list[str]]) -> Iterator[list[str]]:
        # Each row is made under the reader's language, which is never held across a yield: the
        # thread that consumes this stream keeps its own language between rows.
        while True:
            with translation.override(language):
                row = next(rows, None)
            if row is None:
                return
            yield row

    rows = in_language(report_rows(texts()))
    header = next(rows)
    yield from tabular.csv_lines(header, rows, language=language)


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
        self.writer = tabular.csv_writer(out)
        self.writer.writerow(next(report_rows([])))

    def add(self, lines: Iterable[Any]) -> None:
        rows = report_rows((line.row, line.field, line.message, line.raw, line.level) for line in lines)
        next(rows)  # the header, written once by __init__
        for row in rows:
            self.writer.writerow(row)
            self.count += 1
