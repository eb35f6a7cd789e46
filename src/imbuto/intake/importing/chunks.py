"""Rows -> chunks of records for the intake pipeline, and the pipeline's answers -> counts and report
lines. Shared by the real import, the CLI dry run and the web preview."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from imbuto.core import explain

from ..explanations import flag_code
from .columns import ColumnPlan, is_header_again
from .reader import Row

OUTCOMES = ("created", "merged", "flagged", "rejected")


@dataclass
class Chunk:
    """Consecutive rows of the file: the records to ingest and the rows refused before that."""

    consumed: int = 0  # records read from the file, blank ones included (the resume counter)
    position: int = 0  # bytes consumed after the last row
    records: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    warnings: list[dict[str, list[str]]] = field(default_factory=list)
    refused: list[tuple[int, dict[str, list[str]], list[str]]] = field(default_factory=list)


@dataclass
class ReportLine:
    row: int
    field: str
    message: str
    raw: str = ""
    rejected: bool = True

    @property
    def code(self) -> str:
        """The message's code and parameters, stored so each reader gets it in their language."""
        return explain.parts(self.message)[0] or flag_code(self.message)[0]

    @property
    def params(self) -> dict[str, Any]:
        code, params = explain.parts(self.message)
        return params if code else flag_code(self.message)[1]

    @property
    def level(self) -> str:
        """intake.models.RowLevel: an error rejected the row, a warning says what was repaired in it."""
        return "error" if self.rejected else "warning"


@dataclass
class Tally:
    """What a chunk (or a whole run) did."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    lines: list[ReportLine] = field(default_factory=list)
    previews: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def chunked(rows: Iterable[Row], plan: ColumnPlan, header: list[str], size: int) -> Iterator[Chunk]:
    """Group rows into chunks of `size` usable rows, mapping each to a lead record."""
    chunk = Chunk()
    first = header[0] if header else None
    for row in rows:
        chunk.consumed += 1
        chunk.position = row.position
        cells = row.cells
        if row.problems:
            chunk.refused.append((row.number, {"__all__": list(row.problems)}, cells))
            continue
        joined = "".join(cells)
        if not joined or joined.isspace() or (cells[0].strip() == first and is_header_again(cells, header)):
            pass  # blank rows and a repeated header are skipped, not counted
        else:
            record, errors, warnings = plan.record(cells)
            if errors:
                chunk.refused.append((row.number, errors, cells))
            else:
                if row.notes:
                    warnings.setdefault("__all__", []).extend(row.notes)
                chunk.records.append(record)
                chunk.numbers.append(row.number)
                chunk.cells.append(cells)
                chunk.warnings.append(warnings)
        if len(chunk.records) + len(chunk.refused) >= size:
            yield chunk
            chunk = Chunk()
    if chunk.consumed:
        yield chunk


def _raw(plan: ColumnPlan, cells: list[str]) -> str:
    return json.dumps(plan.raw(cells), ensure_ascii=False) if cells else ""


def _lines(number: int, messages: dict[str, list[str]], raw: str, *, rejected: bool) -> list[ReportLine]:
    out = []
    for name, texts in messages.items():
        for text in texts:
            out.append(ReportLine(number, "" if name == "__all__" else name, text, raw, rejected))
    return out


def tally(chunk: Chunk, results: list[Any], plan: ColumnPlan, *, preview: bool = False) -> Tally:
    """Counts and report lines for one chunk, from the pipeline's per-record results."""
    out = Tally()
    for number, errors, cells in chunk.refused:
        out.counts["rejected"] += 1
        out.lines += _lines(number, errors, _raw(plan, cells), rejected=True)
        if preview:
            out.previews.append({"row": number, "outcome": "rejected", "record": {}, "messages": errors})
    for result in results:
        i = result.index
        number = chunk.numbers[i]
        out.counts[result.outcome] = out.counts.get(result.outcome, 0) + 1
        warnings = {**chunk.warnings[i]}
        for name, texts in (result.warnings or {}).items():
            warnings.setdefault(name, []).extend(texts)
        if result.outcome == "rejected":
            messages = {**result.errors}
            out.lines += _lines(number, messages, _raw(plan, chunk.cells[i]), rejected=True)
        else:
            messages = warnings
            out.lines += _lines(number, warnings, "", rejected=False)
        if preview:
            out.previews.append({"row": number, "outcome": result.outcome, "record": chunk.records[i],
                                 "messages": messages, "duplicate_of": result.duplicate_of,
                                 "lead_id": result.lead_id})
    if preview:
        out.previews.sort(key=lambda p: p["row"])
    return out
