"""The streaming reader: kinds, encodings, delimiters, broken files. No database needed."""

import codecs
import os

import openpyxl
import pytest

from imbuto.intake.importing import reader
from imbuto.intake.importing.reader import FileProblem, inspect, iter_rows

FILES = os.path.join(os.path.dirname(__file__), "files")


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rows(path, **kw):
    return list(iter_rows(path, inspect(path), **kw))


def test_it_reads_utf8_with_quoted_newlines(tmp_path):
    path = write(tmp_path, "a.csv", b'First Name,Last Name,Street\nMario,Rossi,"Via Roma 1\nScala B"\n')
    info = inspect(path)
    assert (info.kind, info.encoding, info.delimiter, info.header) == (
        "csv", "utf-8", ",", ["First Name", "Last Name", "Street"])
    [row] = rows(path)
    assert row.cells == ["Mario", "Rossi", "Via Roma 1\nScala B"] and row.number == 2


def test_it_strips_the_utf8_bom(tmp_path):
    path = write(tmp_path, "bom.csv", codecs.BOM_UTF8 + "Nome;Cognome\nNiccolò;Rossi\n".encode())
    info = inspect(path)
    assert info.header == ["Nome", "Cognome"] and info.bom == 3 and info.encoding_label == "UTF-8 BOM"
    assert rows(path)[0].cells == ["Niccolò", "Rossi"]


def test_it_reads_an_italian_windows_excel_export():
    path = os.path.join(FILES, "italian_cp1252.csv")
    info = inspect(path)
    assert (info.encoding, info.delimiter) == ("cp1252", ";")
    assert info.header[11] == "Città"
    first = rows(path)[0]
    assert first.cells[0] == "Niccolò" and first.cells[3] == "Società Agricola Bellini S.s."


def test_it_detects_tabs_and_reports_ragged_rows(tmp_path):
    path = write(tmp_path, "t.tsv", b"a\tb\tc\n1\t2\t3\n4\t5\n6\t7\t8\t9\n10\t11\t12\t\n")
    got = rows(path)
    assert inspect(path).delimiter == "\t"
    assert got[0].problems == () and got[3].problems == () and got[3].cells == ["10", "11", "12"]
    assert "2 values" in got[1].problems[0] and "4 values" in got[2].problems[0]


def test_utf8_file_with_stray_windows_bytes_is_repaired_and_noted(tmp_path):
    body = b"name,city\n" + b"Anna,Roma\n" * 7000 + "Niccolò,Forlì\n".encode("cp1252")
    path = write(tmp_path, "mixed.csv", body)
    assert inspect(path).encoding == "utf-8"  # the sample is plain ASCII
    last = rows(path)[-1]
    assert last.cells == ["Niccolò", "Forlì"] and last.notes and not last.problems


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (codecs.BOM_UTF8, "empty"),
    (os.urandom(4096), "not a CSV or XLSX"),
    (b"%PDF-1.7\n" + os.urandom(200), "PDF"),
    (b"\xd0\xcf\x11\xe0" + os.urandom(200), ".xls"),
    (b"PK\x03\x04" + os.urandom(300), "XLSX"),
])
def test_broken_files_get_a_clear_problem(tmp_path, data, message):
    path = write(tmp_path, "x.csv", data)
    with pytest.raises(FileProblem, match=message):
        inspect(path)


def test_header_only_file_has_no_rows(tmp_path):
    path = write(tmp_path, "h.csv", b"Email,Name\n")
    assert inspect(path).header == ["Email", "Name"] and rows(path) == []


def test_one_megabyte_field_is_read_and_an_unclosed_quote_does_not_eat_the_file(tmp_path):
    big = "x" * (1024 * 1024)
    path = write(tmp_path, "big.csv", f"email,notes\na@b.it,{big}\nc@d.it,ok\n".encode())
    got = rows(path)
    assert len(got[0].cells[1]) == 1024 * 1024 and got[1].cells == ["c@d.it", "ok"]
    runaway = b"email,notes\n" + b'a@b.it,"open\n' + b"x,y\n" * 1_200_000 + b"c@d.it,ok\n"
    path = write(tmp_path, "runaway.csv", runaway)
    got = rows(path)
    assert got[0].problems and "cannot be read" in got[0].problems[0]
    assert got[-1].cells == ["c@d.it", "ok"]


def test_utf16_excel_unicode_text_and_old_mac_line_ends(tmp_path):
    text = "Nome\tCognome\r\nNiccolò\tRossi\r\n"
    path = write(tmp_path, "u.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    info = inspect(path)
    assert info.encoding == "utf-16-le" and not info.exact_offsets
    assert rows(path)[0].cells == ["Niccolò", "Rossi"]
    path = write(tmp_path, "mac.csv", b"a,b\r1,2\r3,4\r")
    assert [r.cells for r in rows(path)] == [["1", "2"], ["3", "4"]]


def test_resuming_at_a_byte_offset_gives_the_same_rows(tmp_path):
    lines = ["email,name"] + [f'p{i}@x.it,"Name\n{i}"' for i in range(50)]
    path = write(tmp_path, "r.csv", ("\n".join(lines) + "\n").encode())
    info = inspect(path)
    everything = list(iter_rows(path, info))
    cut = everything[19]
    resumed = list(iter_rows(path, info, skip=20, offset=cut.position))
    assert resumed == everything[20:]
    assert list(iter_rows(path, info, skip=20)) == everything[20:]


def test_xlsx_streams_values_as_text(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nome", "Cognome", "Telefono", "CAP", "Iscritto il"])
    ws.append(["Niccolò", "Bellini", 393471234567, 184, None])
    ws.append([])
    ws.append(["Anna", "Neri", "02 123", "20121", "=HYPERLINK(\"http://x\")"])
    path = tmp_path / "a.xlsx"
    wb.save(path)
    info = inspect(path)
    assert info.kind == "xlsx" and info.header[:2] == ["Nome", "Cognome"]
    got = rows(path)
    assert got[0].cells[:4] == ["Niccolò", "Bellini", "393471234567", "184"] and got[0].number == 2
    assert not any(got[1].cells) and got[2].number == 4
    assert [r.number for r in rows(path, skip=2)] == [4]


def test_delimiter_detection_prefers_steady_columns():
    text = "name;note\nAnna;uno, due, tre\nLuca;quattro, cinque\n"
    assert reader.detect_delimiter(text) == ";"
    assert reader.detect_delimiter("email\na@b.it\n") == ","
