"""Tables for people: CSV and XLSX files a spreadsheet opens as they are, and cannot be tricked by.

One rule for every file Imbuto hands a person (list exports, the import's error report):
- an Italian reader gets `;` as separator (Italian Excel splits on it), everyone else `,`; both in
  UTF-8 with a BOM so Excel reads accents right;
- a cell that begins like a formula (= + - @, tab or CR) is prefixed with an apostrophe (OWASP), so
  a value an outsider typed into a web form never becomes a live `=HYPERLINK(...)`.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.utils import translation

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number or phone ("+39 02 1234", "-5,20") is no formula: it keeps its look.
NUMBERISH = re.compile(r"^[+-][\d\s().,/\-]*$")
BOM = "\ufeff"


def safe_cell(value: Any) -> str:
    """The text of a cell, with a leading formula character neutralised by an apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_START) and not NUMBERISH.match(text):
        return "'" + text
    return text


def separator_for(language: str | None = None) -> str:
    """`;` for Italian readers (what Italian Excel expects), `,` otherwise."""
    lang = (language or translation.get_language() or "en").lower()
    return ";" if lang.split("-")[0] == "it" else ","


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[Any], rows: Iterable[Sequence[Any]], *,
              language: str | None = None) -> Iterator[str]:
    """The CSV text, line by line (for a StreamingHttpResponse), BOM first."""
    writer = csv.writer(_Echo(), delimiter=separator_for(language))
    yield BOM
    yield writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def csv_writer(out: IO[str], *, language: str | None = None) -> Any:
    """A csv.writer on `out` following the same rule (the BOM is written here)."""
    out.write(BOM)
    return csv.writer(out, delimiter=separator_for(language))


def xlsx_file(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet: str = "Export") -> IO[bytes]:
    """An XLSX workbook written row by row (openpyxl's write-only mode keeps memory flat) into a
    temporary file, rewound for reading. Text cells are neutralised as in CSV; numbers stay numbers."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet(title=sheet[:31])
    ws.append([safe_cell(h) for h in header])
    for row in rows:
        ws.append([v if isinstance(v, int | float) and not isinstance(v, bool) else safe_cell(v)
                   for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    book.save(out)
    out.seek(0)
    return out
