"""Hostile XLSX archives are refused before openpyxl inflates them, and memory stays bounded
(issue 8, finding 3: a 400 KB file whose shared strings held one 400 MB string took 1.3-1.65 GB).

Each file is read by `reader.inspect` in a fresh Python process, which reports its peak RSS."""

import json
import os
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from imbuto.intake.importing import reader, xlsx_guard

MB = 2**20
PEAK_LIMIT_MB = 150  # 48-57 MB measured with the guard; 189-1,587 MB without (Django loaded: ~45 MB)

PROBE = """
import json, sys
import django
django.setup()
from imbuto.intake.importing import reader
try:
    reader.inspect(sys.argv[1])
    outcome = "read"
except reader.FileProblem as exc:
    outcome = str(exc)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent (pytest) across fork and exec
peak_mb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")) / 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak_mb}))
"""


def probe(path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imbuto.settings"}
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, env=env,
                          timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def base_parts(tmp_path):
    """The parts of a real two-column workbook written by openpyxl (header, one row)."""
    source = tmp_path / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Email", "Company"])
    wb.active.append(["anna@rossi.it", "Rossi srl"])
    wb.save(source)
    with zipfile.ZipFile(source) as z:
        return {name: z.read(name) for name in z.namelist()}


SHARED_SHEET = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
                b'<row r="2"><c r="A2" t="s"><v>2</v></c></row></sheetData></worksheet>')


def hostile(tmp_path, name, replace):
    """A copy of the base workbook where `replace` maps a part name to an iterator of byte blocks.
    A replaced shared-strings part is wired in (relation, content type) and used by the sheet."""
    parts = base_parts(tmp_path)
    if "xl/sharedStrings.xml" in replace:
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>')
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>')
        parts["xl/worksheets/sheet1.xml"] = SHARED_SHEET
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part, data in parts.items():
            if part in replace:
                with z.open(part, "w", force_zip64=True) as out:
                    for block in replace[part]:
                        out.write(block)
            else:
                z.writestr(part, data)
        for part, blocks in replace.items():
            if part not in parts:
                with z.open(part, "w", force_zip64=True) as out:
                    for block in blocks:
                        out.write(block)
    return path


def repeat(head, filler, size, tail):
    yield head
    block = filler * (MB // len(filler))
    for _ in range(size // len(block)):
        yield block
    yield tail


SST = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
SHEET = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
         b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c>'
         b'<c r="B1" t="inlineStr"><is><t>Company</t></is></c></row>')


HEAD_STRINGS = SST + b"<si><t>Email</t></si><si><t>Company</t></si>"
END_SHEET = b"</row></sheetData></worksheet>"


def shared_strings_bomb(size):
    return {"xl/sharedStrings.xml": repeat(HEAD_STRINGS + b"<si><t>", b"A", size, b"</t></si></sst>")}


def sheet_bomb(head, filler, size, tail):
    return {"xl/worksheets/sheet1.xml": repeat(SHEET + head, filler, size, tail + END_SHEET)}


TOO_BIG = "more than 16 MB or 200,000 elements"
LONG = "longer than Excel allows"
CASES = {  # name: (parts to replace, made when the test runs; what the refusal says)
    "a 400 MB shared string (the issue's file)": (
        lambda: shared_strings_bomb(400 * MB), "sharedStrings.xml unpacks to 400"),
    "a 60 MB shared string, under the part limit": (lambda: shared_strings_bomb(60 * MB), LONG),
    "a 3,000,000-run shared string": (lambda: {"xl/sharedStrings.xml": repeat(
        HEAD_STRINGS + b"<si>", b"<r><t>a</t></r>", 48 * MB, b"</si></sst>")}, TOO_BIG),
    "a 500 MB inline string in the sheet": (lambda: sheet_bomb(
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>', b"B", 500 * MB, b"</t></is></c>"), LONG),
    "a row of 4,000,000 empty cells": (lambda: sheet_bomb(b'<row r="2">', b"<c/>", 16 * MB, b""), TOO_BIG),
    "a 20 MB styles part": (lambda: {"xl/styles.xml": repeat(
        b"<styleSheet>", b"<x/>", 20 * MB, b"</styleSheet>")}, "styles.xml unpacks to 20"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_xlsx_is_refused_with_a_clear_message_and_bounded_memory(tmp_path, case):
    replace, expected = CASES[case]
    path = hostile(tmp_path, "bomb.xlsx", replace())
    assert path.stat().st_size < 2 * MB  # a small upload...
    result = probe(path)
    assert result["outcome"].startswith("This XLSX file cannot be imported safely"), result
    assert expected in result["outcome"], result
    assert result["peak_mb"] < PEAK_LIMIT_MB, result  # ...that never inflates


def test_a_real_workbook_still_reads(tmp_path):
    path = tmp_path / "ok.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Email", "Company", "Note"])
    for i in range(2000):
        note = "é" * xlsx_guard.EXCEL_MAX_CELL_CHARS if i == 7 else "ok"  # Excel's longest cell
        wb.active.append([f"p{i}@rossi.it", "Rossi srl", note])
    wb.save(path)
    info = reader.inspect(path)
    assert info.header == ["Email", "Company", "Note"]
    assert sum(1 for _ in reader.iter_rows(path, info)) == 2000


def test_the_refusal_is_translated(tmp_path):
    from django.utils import translation

    path = hostile(tmp_path, "bomb.xlsx", shared_strings_bomb(100 * MB))
    with translation.override("it"), pytest.raises(reader.FileProblem) as exc:
        reader.inspect(path)
    assert "non può essere importato" in str(exc.value)
