"""Refuse hostile XLSX archives before openpyxl inflates them (issue 8, finding 3).

An XLSX file is a ZIP of XML parts. openpyxl reads the shared-strings table and every small part
whole, and builds one XML tree per worksheet row, so a 400 KB file whose shared-strings part unpacks
to one 400 MB string took a worker to 1.65 GB. Before openpyxl sees a file, `check()`:

- reads the declared unpacked size of every part (zipfile never inflates a part past its declared
  size: a lying header ends in a CRC error, not in more memory) and caps them;
- streams the shared strings and the worksheets (a few MiB at a time, C-speed searches) and caps
  every XML token (a cell text can never be longer than Excel's 32,767 characters), and the bytes
  and elements of each shared string and each worksheet row.

Peak memory is then bounded whatever the archive holds. The limits are far above what a real lead
list needs; a file over them is refused as a whole with a clear message.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

MIB = 2**20
MAX_PARTS = 10_000
MAX_TOTAL_BYTES = 2048 * MIB  # all parts unpacked
MAX_SHEET_BYTES = 1024 * MIB  # one worksheet unpacked (streamed by openpyxl, and by the scan below)
MAX_SHARED_STRINGS_BYTES = 64 * MIB  # held whole in memory by openpyxl
MAX_OTHER_PART_BYTES = 16 * MIB  # styles, workbook, relations...: parsed whole by openpyxl
EXCEL_MAX_CELL_CHARS = 32_767
# No XML token (a text or a tag) of a real workbook comes near this: 32,767 characters of UTF-8 with
# escapes stay under 192 KiB. Checked as "every aligned block of TOKEN_BLOCK bytes holds a '<'", which
# refuses every token of 2 x TOKEN_BLOCK bytes and more.
TOKEN_BLOCK = 256 * 1024
MAX_UNIT_BYTES = 16 * MIB  # one row (or one shared string), as XML
MAX_UNIT_TAGS = 200_000  # elements in one row: 16,384 columns x a few elements each, with room
READ_BYTES = 4 * MIB  # a multiple of TOKEN_BLOCK

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")
_SHARED = re.compile(r"xl/sharedStrings[^/]*\.xml$", re.IGNORECASE)
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:row|/sheetData)[\s/>]")
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")


class UnsafeWorkbook(Exception):
    """The archive is over a limit; the message says which, in the reader's language."""


def _mb(size: int) -> str:
    return f"{size / MIB:,.0f}" if size >= MIB else f"{size / MIB:,.2f}"


def _refuse(reason: str) -> UnsafeWorkbook:
    return UnsafeWorkbook(_("This XLSX file cannot be imported safely: %(reason)s. Save it again from "
                            "Excel, or as CSV.") % {"reason": reason})


_PASSED: dict[tuple[str, int, int], bool] = {}  # files already checked (an upload is inspected 2-3 times)


def check(path: str | Path) -> None:
    """Raise UnsafeWorkbook unless every part of the archive stays within the limits above."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _PASSED:
        return
    _check(path)
    if len(_PASSED) > 256:
        _PASSED.clear()
    _PASSED[key] = True


def _check(path: str | Path) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise _refuse(_("it holds %(n)s parts (at most %(limit)s)") % {"n": f"{len(parts):,}",
                                                                             "limit": f"{MAX_PARTS:,}"})
        total = 0
        for part in parts:
            total += part.file_size
            if _SHEET.match(part.filename):
                limit = MAX_SHEET_BYTES
            elif _SHARED.match(part.filename):
                limit = MAX_SHARED_STRINGS_BYTES
            else:
                limit = MAX_OTHER_PART_BYTES
            if part.file_size > limit:
                raise _refuse(_("its part %(part)s unpacks to %(size)s MB (at most %(limit)s MB)")
                              % {"part": part.filename, "size": _mb(part.file_size), "limit": _mb(limit)})
        if total > MAX_TOTAL_BYTES:
            raise _refuse(_("it unpacks to %(size)s MB (at most %(limit)s MB)")
                          % {"size": _mb(total), "limit": _mb(MAX_TOTAL_BYTES)})
        for part in parts:
            if _SHEET.match(part.filename) or _SHARED.match(part.filename):
                unit = _ROW if _SHEET.match(part.filename) else _SI
                with archive.open(part) as stream:
                    _scan(stream, part.filename, unit)


def _scan(stream: IO[bytes], name: str, unit: re.Pattern[bytes]) -> None:
    """Stream one part: no over-long token; no row (or shared string) over its bytes or elements."""
    offset = 0  # absolute offset of `block` in the part
    tail = b""  # the end of the previous block, so that a unit start cut in two is still found
    unit_at, tags = 0, 0
    while block := stream.read(READ_BYTES):
        for i in range(0, len(block) - TOKEN_BLOCK + 1, TOKEN_BLOCK):
            if block.find(b"<", i, i + TOKEN_BLOCK) == -1:
                raise _refuse(_("a value in %(part)s is longer than Excel allows (%(limit)s characters)")
                              % {"part": name, "limit": f"{EXCEL_MAX_CELL_CHARS:,}"})
        data = tail + block
        base = offset - len(tail)
        count_from = len(tail)
        for match in unit.finditer(data):
            if match.end() <= len(tail):
                continue  # found with the previous block
            tags += data.count(b"<", count_from, match.start())
            _check_unit(name, base + match.start() - unit_at, tags)
            unit_at, tags, count_from = base + match.start(), 0, match.start()
        tags += data.count(b"<", count_from)
        offset += len(block)
        _check_unit(name, offset - unit_at, tags)
        tail = data[-32:]


def _check_unit(name: str, size: int, tags: int) -> None:
    if size > MAX_UNIT_BYTES or tags > MAX_UNIT_TAGS:
        raise _refuse(_("a row or shared string in %(part)s holds more than %(mb)s MB or %(tags)s elements")
                      % {"part": name, "mb": _mb(MAX_UNIT_BYTES), "tags": f"{MAX_UNIT_TAGS:,}"})
