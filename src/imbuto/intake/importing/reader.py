"""Streaming readers for CSV and XLSX lead lists.

`inspect()` looks at the start of a file only (a 64 KiB sample) to decide its kind, encoding,
delimiter and header; `iter_rows()` then streams records one at a time, so a 2 GB file needs no more
memory than its longest row. CSV positions are exact byte offsets after each record, which is what
makes an import resumable with a seek instead of a re-read.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from imbuto.core.explain import coded

SAMPLE_BYTES = 64 * 1024
MAX_LINE_BYTES = 8 * 1024 * 1024  # a longer physical line is reported, never held in memory whole
MAX_FIELD_CHARS = 4 * 1024 * 1024  # csv parse limit: stops a runaway quote from eating the file
DELIMITERS = ",;\t|"
OVERLONG = "\x00overlong\x00"
# Single-byte codecs charset-normalizer may propose for Western text; Italian Excel writes cp1252.
_WESTERN = ("cp1250", "cp1252", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859", "mac_", "cp437",
            "cp850", "cp858", "ascii", "windows_125")

if csv.field_size_limit() < MAX_FIELD_CHARS:
    csv.field_size_limit(MAX_FIELD_CHARS)


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message is shown to the user as is."""


class Row(NamedTuple):
    number: int  # spreadsheet row number, header included (what Excel shows)
    cells: list[str]
    problems: tuple[str, ...]  # reasons the row cannot be used at all
    notes: tuple[str, ...]  # the row is usable, but something was repaired
    position: int  # bytes consumed after this row (exact for CSV)


@dataclass
class FileInfo:
    """What `inspect()` found; stored on the job so a resumed run reads the file the same way."""

    kind: str  # csv | xlsx
    size: int
    encoding: str = ""
    delimiter: str = ""
    header: list[str] = field(default_factory=list)
    header_row: int = 1
    data_offset: int = 0  # CSV: byte offset of the first record after the header
    sheet: str = ""
    exact_offsets: bool = True  # CSV positions are exact byte offsets: resume by seeking
    bom: int = 0

    @property
    def encoding_label(self) -> str:
        if self.kind == "xlsx":
            return "XLSX"
        return {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}.get(
            self.encoding, self.encoding) + (" BOM" if self.bom else "")

    @property
    def delimiter_label(self) -> str:
        return delimiter_name(self.delimiter)


def delimiter_name(delimiter: str) -> str:
    """The column separator named in the reader's language ("semicolon", "punto e virgola")."""
    names = {"\t": _("tab"), ",": _("comma"), ";": _("semicolon"), "|": _("vertical bar")}
    return str(names.get(delimiter, delimiter))


# -- encodings ---------------------------------------------------------------------------------------


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Bytes that are not UTF-8 in a UTF-8 file are almost always Windows-1252 (Excel on Windows)."""
    assert isinstance(exc, UnicodeDecodeError)
    bad = exc.object[exc.start:exc.end]
    return bad.decode("cp1252", errors="replace"), exc.end


codecs.register_error("imbuto-cp1252", _cp1252_fallback)


def _valid_utf8_prefix(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # a multi-byte character cut by the end of the sample is fine
        return exc.start >= len(sample) - 3 and exc.reason == "unexpected end of data"


def detect_encoding(sample: bytes) -> tuple[str, int]:
    """(python codec, BOM length). UTF-8 first, then charset-normalizer, biased to Windows-1252."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                      (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if sample.startswith(bom):
            return name, len(bom)
    if _valid_utf8_prefix(sample):
        return "utf-8", 0
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:16384]).best()
    guess = codecs.lookup(best.encoding).name if best else ""
    if guess and not guess.replace("-", "_").startswith(_WESTERN) and not guess.startswith("utf-8"):
        return guess, 0
    try:
        sample.decode("cp1252")
        return "cp1252", 0
    except UnicodeDecodeError:
        return "latin-1", 0


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\r\n\f\v") or ch in "\x7f\ufffd")
    return bad > max(2, len(text) // 200)


# -- kind ---------------------------------------------------------------------------------------------

_MAGIC = {b"%PDF": "PDF", b"\x89PNG": "PNG image", b"GIF8": "GIF image", b"\xff\xd8\xff": "JPEG image",
          b"\x1f\x8b": "gzip archive", b"Rar!": "RAR archive", b"7z\xbc\xaf": "7-Zip archive"}


def _not_a_list(what: str) -> FileProblem:
    return FileProblem(_("This is not a CSV or XLSX file (it looks like %(what)s).") % {"what": what})


def inspect(path: str | Path) -> FileInfo:
    """Decide how to read `path`; raise FileProblem with a clear message when it cannot be read."""
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise FileProblem(_("The file is empty."))
    if sample.startswith(b"PK\x03\x04"):
        return _inspect_xlsx(path, size)
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileProblem(_("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV first."))
    for magic, what in _MAGIC.items():
        if sample.startswith(magic):
            raise _not_a_list(what)
    encoding, bom = detect_encoding(sample)
    if b"\x00" in sample and not encoding.startswith("utf-16") and not encoding.startswith("utf-32"):
        raise _not_a_list(_("binary data"))
    text = sample[bom:].decode(encoding, errors="replace")
    if _looks_binary(text):
        raise _not_a_list(_("binary data"))
    cr_only = b"\r" in sample and b"\n" not in sample
    info = FileInfo(kind="csv", size=size, encoding=encoding, data_offset=bom, bom=bom,
                    exact_offsets=not (cr_only or encoding.startswith(("utf-16", "utf-32"))))
    info.delimiter = detect_delimiter(text)
    info.header, info.header_row, info.data_offset = _read_header(path, info, bom)
    return info


def detect_delimiter(text: str) -> str:
    """csv.Sniffer on the sample, checked by parsing; else the delimiter giving steady column counts."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1:
        lines = lines[:-1]  # the sample's last line may be cut
    sample = "".join(lines[:200])
    scores: dict[str, tuple[float, int]] = {}
    for delim in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delim) if r]
        except csv.Error:
            continue
        if not counts or counts[0] < 2:
            continue
        steady = sum(1 for c in counts if c == counts[0]) / len(counts)
        scores[delim] = (steady, counts[0])
    try:
        sniffed = csv.Sniffer().sniff(sample[:16384], delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in scores and scores[sniffed][0] >= 0.9:
        return sniffed
    if scores:
        return max(scores, key=lambda d: scores[d])
    return ","


# -- CSV ----------------------------------------------------------------------------------------------


class _Lines:
    """Decoded lines of a byte stream, with the exact byte offset after the last line handed out."""

    def __init__(self, fh: IO[bytes], info: FileInfo, offset: int) -> None:
        self.fh = fh
        self.encoding = info.encoding
        self.offset = offset
        self.repaired = False  # some bytes of the current record did not decode cleanly
        self.overlong = False
        self.wide = not info.exact_offsets
        if self.wide:
            errors = "imbuto-cp1252" if self.encoding == "utf-8" else "replace"
            self._text = io.TextIOWrapper(fh, encoding=self.encoding, errors=errors, newline="")

    def __iter__(self) -> Iterator[str]:
        return self._wide() if self.wide else self._narrow()

    def _narrow(self) -> Iterator[str]:
        fallback = "imbuto-cp1252" if self.encoding == "utf-8" else "replace"
        readline = self.fh.readline
        while raw := readline(MAX_LINE_BYTES):
            self.offset += len(raw)
            if len(raw) == MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    self.offset += len(rest)
                self.offset += len(rest)
                self.overlong = True
                yield OVERLONG + "\n"
                continue
            try:
                text = raw.decode(self.encoding)
            except UnicodeDecodeError:
                self.repaired = True
                text = raw.decode(self.encoding, errors=fallback)
            if "\x00" in text:
                self.overlong = True  # binary data inside a text file: the row is refused
            yield text

    def _wide(self) -> Iterator[str]:
        """UTF-16 and old-Mac (CR only) files: offsets are estimates, so resuming skips records."""
        for line in self._text:
            self.offset += len(line.encode(self.encoding, errors="replace"))
            if len(line) > MAX_FIELD_CHARS:
                self.overlong = True
                line = OVERLONG + "\n"
            elif "\x00" in line:
                self.overlong = True
            elif "\ufffd" in line:
                self.repaired = True
            yield line


def _read_header(path: Path, info: FileInfo, bom: int) -> tuple[list[str], int, int]:
    with path.open("rb") as fh:
        fh.seek(bom)
        lines = _Lines(fh, info, bom)
        reader = csv.reader(lines, delimiter=info.delimiter)
        for number, cells in enumerate(reader, start=1):
            if any(c.strip() for c in cells):
                if lines.overlong:
                    raise FileProblem(_("The header row is too long to be a header."))
                return clean_header(cells), number, lines.offset
            if number > 1000:
                break
    raise FileProblem(_("The file is empty."))


def clean_header(cells: list[Any]) -> list[str]:
    out = []
    for i, cell in enumerate(cells, start=1):
        text = unicodedata.normalize("NFC", str(cell if cell is not None else "")).strip().strip("\ufeff")
        out.append(text or _("(column %(n)s)") % {"n": i})
    return out


def iter_rows(path: str | Path, info: FileInfo, *, skip: int = 0, offset: int | None = None) -> Iterator[Row]:
    """Records after the header. Resume with `offset` (CSV byte offset) or by skipping `skip` records."""
    if info.kind == "xlsx":
        yield from _iter_xlsx(Path(path), info, skip=skip)
        return
    with Path(path).open("rb") as fh:
        start = info.data_offset if offset is None else offset
        fh.seek(start)
        lines = _Lines(fh, info, start)
        reader = csv.reader(lines, delimiter=info.delimiter)
        number = info.header_row + (skip if offset is not None else 0)
        to_skip = 0 if offset is not None else skip
        while True:
            lines.repaired = lines.overlong = False
            try:
                cells = next(reader)
                problems: tuple[str, ...] = ()
            except StopIteration:
                return
            except csv.Error as exc:
                cells, problems = [], (coded(gettext_noop("This row cannot be read as CSV (%(error)s)."),
                                             error=str(exc)),)
            number += 1
            if to_skip:
                to_skip -= 1
                continue
            notes: tuple[str, ...] = ()
            if lines.overlong:
                problems += (coded(gettext_noop("This row is longer than %(mb)s MB or contains binary data."),
                                   mb=MAX_LINE_BYTES // 2**20),)
                if any(OVERLONG in cell for cell in cells):  # the line was never read: say so, in words
                    cells = [_("(not shown: longer than %(mb)s MB)") % {"mb": MAX_LINE_BYTES // 2**20}]
            elif cells and len(cells) != len(info.header):
                problems += _ragged(cells, len(info.header))
            if not problems and lines.repaired:
                utf8 = info.encoding == "utf-8"
                notes = (coded(gettext_noop("Some characters were not valid %(encoding)s and were read as "
                                  "Windows-1252."), encoding=info.encoding_label),) if utf8 else (
                    coded(gettext_noop("Some bytes could not be decoded and were replaced.")),)
            yield Row(number, cells, problems, notes, lines.offset)


def _ragged(cells: list[str], width: int) -> tuple[str, ...]:
    """Values out of step with the header would land in the wrong fields: refuse the row."""
    if len(cells) > width:
        if not any(c.strip() for c in cells[width:]):
            del cells[width:]  # trailing delimiters are harmless
            return ()
        return (coded(gettext_noop("This row has %(n)s values but the header has %(width)s columns."),
                n=len(cells), width=width),)
    if not any(c.strip() for c in cells):
        return ()
    return (coded(gettext_noop("This row has %(n)s values but the header has %(width)s columns."),
            n=len(cells), width=width),)


# -- XLSX ---------------------------------------------------------------------------------------------


def _open_xlsx(fh: IO[bytes]) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileProblem(_("This ZIP file is not a readable XLSX workbook (%(error)s).")
                          % {"error": exc}) from exc
    except Exception as exc:  # openpyxl raises many kinds on malformed XML
        raise FileProblem(_("This XLSX workbook is damaged (%(error)s).") % {"error": exc}) from exc


def _first_sheet(workbook: Any) -> Any:
    sheets = [ws for ws in workbook.worksheets if getattr(ws, "iter_rows", None)]
    if not sheets:
        raise FileProblem(_("The workbook has no worksheet."))
    return sheets[0]


def xlsx_value(value: Any) -> str:
    """Excel stores numbers as floats: 393331234567.0 is a phone number, not a decimal."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _inspect_xlsx(path: Path, size: int) -> FileInfo:
    from .xlsx_guard import UnsafeWorkbook, check

    try:
        check(path)  # before openpyxl inflates anything
    except UnsafeWorkbook as exc:
        raise FileProblem(str(exc)) from exc
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        raise FileProblem(_("This ZIP file is not a readable XLSX workbook (%(error)s).")
                          % {"error": exc}) from exc
    with path.open("rb") as fh:
        workbook = _open_xlsx(fh)
        try:
            sheet = _first_sheet(workbook)
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [xlsx_value(v) for v in values]
                if any(c.strip() for c in cells):
                    while cells and not cells[-1].strip():
                        cells.pop()
                    return FileInfo(kind="xlsx", size=size, header=clean_header(cells), header_row=number,
                                    sheet=sheet.title)
                if number > 1000:
                    break
        finally:
            workbook.close()
    raise FileProblem(_("The file is empty."))


def _iter_xlsx(path: Path, info: FileInfo, *, skip: int) -> Iterator[Row]:
    with path.open("rb") as fh:
        workbook = _open_xlsx(fh)
        try:
            sheet = workbook[info.sheet] if info.sheet in workbook.sheetnames else _first_sheet(workbook)
            first = info.header_row + 1 + skip
            for number, values in enumerate(sheet.iter_rows(min_row=first, values_only=True), start=first):
                cells = [xlsx_value(v) for v in values]
                while len(cells) > len(info.header) and not cells[-1].strip():
                    cells.pop()
                yield Row(number, cells, (), (), min(fh.tell(), info.size))
        finally:
            workbook.close()
