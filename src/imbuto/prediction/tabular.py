"""Any CSV of historical records with an outcome column -> records and labels for `learn`:
separator sniffed, numeric and categorical columns detected, outcome spellings read, identifiers
and constant columns left out. Used by `imbuto scoring evaluate` and the benchmark."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .learn import CATEGORICAL, NUMERIC, LearnError, to_number

POSITIVE = {"1", "1.0", "yes", "y", "true", "t", "won", "win", "converted", "customer", "success",
            "positive", "si", "sì", "vero", "ok", "closed won", "closed-won", "closed_won"}
NEGATIVE = {"0", "0.0", "no", "n", "false", "f", "lost", "lose", "loss", "not converted",
            "not_converted", "unconverted", "discarded", "failure", "fail", "negative", "falso",
            "closed lost", "closed-lost", "closed_lost"}
MISSING = {"", "na", "n/a", "nan", "null", "none", "-", "?", "select", "(blank)"}
MIN_ROWS = 10
MAX_BYTES = 512 * 1024 * 1024


@dataclass
class Table:
    """Records (column -> raw text, missing values as None), their 0/1 outcomes and column kinds."""

    records: list[dict[str, Any]]
    labels: list[int]
    kinds: dict[str, str]
    ignored: dict[str, str] = field(default_factory=dict)  # column -> why it was left out
    skipped_rows: int = 0  # rows without an outcome
    delimiter: str = ","

    @property
    def numeric(self) -> list[str]:
        return [c for c, k in self.kinds.items() if k == NUMERIC]

    @property
    def categorical(self) -> list[str]:
        return [c for c, k in self.kinds.items() if k == CATEGORICAL]


def read_text(path: str | Path) -> str:
    """The file's text (UTF-8, else Latin-1); LearnError for a missing, empty or binary file."""
    p = Path(path)
    try:
        if p.is_dir():
            raise LearnError(f"{path} is a directory, not a CSV file")
        if p.stat().st_size > MAX_BYTES:
            raise LearnError(f"{path} is larger than {MAX_BYTES // 2**20} MiB")
        data = p.read_bytes()
    except FileNotFoundError:
        raise LearnError(f"no such file: {path}") from None
    except PermissionError:
        raise LearnError(f"cannot read {path}: permission denied") from None
    except OSError as exc:
        raise LearnError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise LearnError(f"{path} is empty")
    if b"\x00" in data[:65536]:
        raise LearnError(f"{path} is not a text CSV file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        header = sample.splitlines()[0] if sample.splitlines() else ""
        counts = {d: header.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def parse_label(value: str | None) -> int | None:
    text = (value or "").strip().casefold()
    if text in POSITIVE:
        return 1
    if text in NEGATIVE:
        return 0
    return None


def read_table(path: str | Path, *, label: str, drop: Sequence[str] = ()) -> Table:
    """Read a CSV for evaluation; LearnError (a sentence for people) for anything unusable."""
    text = read_text(path)
    delimiter = sniff_delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise LearnError(f"{path} is not a readable CSV file: {exc}") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise LearnError(f"{path} is empty")
    header = [h.strip() for h in rows[0]]
    body = rows[1:]
    column = _find_column(header, label)
    if column is None:
        shown = ", ".join(h for h in header if h)[:300]
        raise LearnError(f"no column {label!r} in {path} (columns: {shown})")
    wanted = {d.strip().casefold() for d in drop if d.strip()}
    unknown_drop = wanted - {h.casefold() for h in header}
    if unknown_drop:
        raise LearnError(f"--drop names no column of the file: {', '.join(sorted(unknown_drop))}")
    labels_raw = [row[column] if column < len(row) else "" for row in body]
    labels, keep = _labels(labels_raw, label)
    records: list[dict[str, Any]] = []
    for i in keep:
        row = body[i]
        rec = {}
        for j, name in enumerate(header):
            if j == column or not name or name.casefold() in wanted:
                continue
            cell = row[j].strip() if j < len(row) else ""
            rec[name] = None if cell.casefold() in MISSING else cell
        records.append(rec)
    if len(records) < MIN_ROWS:
        raise LearnError(f"too few rows: {len(records)} with an outcome, need at least {MIN_ROWS}")
    kinds, ignored = detect_kinds(records)
    if not kinds:
        raise LearnError("no usable column besides the outcome (all constant, empty or identifiers)")
    for name in ignored:
        for rec in records:
            rec.pop(name, None)
    return Table(records=records, labels=labels, kinds=kinds, ignored=ignored,
                 skipped_rows=len(body) - len(keep), delimiter=delimiter)


def _find_column(header: list[str], label: str) -> int | None:
    for exact in (True, False):
        for j, name in enumerate(header):
            if (name == label) if exact else (name.casefold() == label.strip().casefold()):
                return j
    return None


def _labels(values: list[str], label: str) -> tuple[list[int], list[int]]:
    """0/1 outcomes and the indexes of the rows that have one. Two unknown spellings: error."""
    spelled = {v.strip() for v in values if v.strip()}
    unknown = sorted(v for v in spelled if parse_label(v) is None)
    mapping: dict[str, int] = {}
    if unknown:
        known = sorted(v for v in spelled if parse_label(v) is not None)
        if len(unknown) == 1 and len(spelled) == 2 and known:
            # one recognised spelling, the other is its opposite ("converted" / "open")
            mapping[unknown[0]] = 1 - (parse_label(known[0]) or 0)
        else:
            shown = ", ".join(repr(v) for v in unknown[:8])
            raise LearnError(
                f"column {label!r} has outcome values that are not a yes/no: {shown} "
                "(expected values like yes/no, 1/0, true/false, won/lost, converted/not converted)")
    labels, keep = [], []
    for i, v in enumerate(values):
        text = v.strip()
        if not text:
            continue
        outcome = mapping.get(text, parse_label(text))
        if outcome is not None:
            labels.append(outcome)
            keep.append(i)
    if not labels:
        raise LearnError(f"column {label!r} holds no outcome")
    return labels, keep


def detect_kinds(records: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, str]]:
    """Column -> numeric or categorical; and the columns left out with why (empty, constant,
    an identifier: a different value on nearly every row)."""
    n = len(records)
    names = list(records[0]) if records else []
    kinds: dict[str, str] = {}
    ignored: dict[str, str] = {}
    for name in names:
        values = [r.get(name) for r in records]
        present = [v for v in values if v is not None]
        distinct = set(present)
        if not present:
            ignored[name] = "empty"
            continue
        if len(distinct) == 1 and len(present) == n:
            ignored[name] = "constant"
            continue
        numbers = [to_number(v) for v in present]
        numeric_share = sum(1 for x in numbers if not math.isnan(x)) / len(present)
        if numeric_share >= 0.95 and len(distinct) > 2:
            integers = all(not math.isnan(x) and x == int(x) for x in numbers)
            if integers and len(distinct) == len(present) and len(present) >= 0.9 * n and n >= 50:
                ignored[name] = "identifier"
            else:
                kinds[name] = NUMERIC
            continue
        if len(distinct) > 0.5 * len(present) and len(distinct) > 50:
            ignored[name] = "identifier"
            continue
        kinds[name] = CATEGORICAL
    return kinds, ignored
