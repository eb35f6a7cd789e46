"""Real files in every supported shape, imported end to end through the pipeline."""

import codecs
import os
import shutil

import openpyxl
import pytest

from imbuto.intake.importing import runner
from imbuto.intake.models import LeadSource
from imbuto.leads.models import Lead

from .test_import_runner import people, run

FILES = os.path.join(os.path.dirname(__file__), "files")


def fixture(tmp_path, name):
    return shutil.copy(os.path.join(FILES, name), tmp_path / name)


@pytest.mark.django_db
def test_hubspot_export(tmp_path):
    _job, summary = run(fixture(tmp_path, "hubspot_contacts.csv"))
    assert summary.created == 3 and summary.rejected == 0
    laura = Lead.objects.get(external_id="501")
    assert (laura.first_name, laura.company_name, laura.city, laura.country) == (
        "Laura", "Vetreria Conti S.r.l.", "Milano", "IT")
    assert Lead.objects.get(external_id="502").phone.startswith("+44")


@pytest.mark.django_db
def test_salesforce_export_with_a_multiline_address(tmp_path):
    _job, summary = run(fixture(tmp_path, "salesforce_leads.csv"))
    assert summary.created == 2
    claire = Lead.objects.get(external_id="00Q5g000001AbCe")
    assert claire.street.startswith("12 rue de la Paix") and claire.country == "FR"
    assert Lead.objects.get(last_name="Müller").job_title == "Einkaufsleiter"


@pytest.mark.django_db
def test_italian_excel_export_in_windows_1252(tmp_path):
    job, summary = run(fixture(tmp_path, "italian_cp1252.csv"))
    assert summary.created == 3 and job.encoding == "Windows-1252" and job.delimiter == ";"
    assert Lead.objects.filter(first_name="Niccolò", company_name="Società Agricola Bellini S.s.").exists()
    assert Lead.objects.get(last_name="Caffè").company_name == "Torrefazione Ca' Foscari"


@pytest.mark.django_db
def test_utf8_bom_and_tab_separated(tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + "E-mail,Nome,Cognome\nniccolo@forli.it,Niccolò,Forlì\n".encode())
    job, summary = run(bom)
    assert summary.created == 1 and job.encoding == "UTF-8 BOM"
    assert Lead.objects.get(email="niccolo@forli.it").first_name == "Niccolò"
    tab = tmp_path / "tab.tsv"
    tab.write_text("Full Name\tCompany\tCity\nAnna Maria De Luca\tStudio De Luca\tBari\n", encoding="utf-8")
    job, summary = run(tab, campaign="Tab")
    assert summary.created == 1 and job.delimiter == "\t"
    assert Lead.objects.filter(first_name="Anna Maria", last_name="De Luca", city="Bari").exists()


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Nome", "Cognome", "Email", "Azienda", "CAP", "Cellulare"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.mark.django_db
def test_xlsx_with_numbers_and_resume(tmp_path):
    rows = [(*p, 184, 393471234500 + i) for i, p in enumerate(people(30))]
    path = _xlsx(tmp_path / "attendees.xlsx", rows)
    job, first = run(path, chunk_rows=7, stop_after_chunks=2)
    job.refresh_from_db()
    assert job.rows_committed == 14 and job.encoding == "XLSX"
    summary = runner.job_run(job, actor=None, chunk_rows=7)
    assert summary.created == 30 and Lead.objects.count() == 30
    assert sorted(LeadSource.objects.values_list("row_number", flat=True)) == list(range(2, 32))
    lead = Lead.objects.get(email=people(30)[0][2])
    assert lead.postal_code == "00184" and lead.phone == "+393471234500"


@pytest.mark.django_db
def test_utf16_file_resumes_by_skipping_rows(tmp_path):
    path = tmp_path / "unicode.txt"
    lines = ["Nome\tCognome\tEmail"] + ["\t".join(p[:3]) for p in people(20)]
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    job, _first = run(path, chunk_rows=6, stop_after_chunks=1)
    summary = runner.job_run(job, actor=None, chunk_rows=6)
    assert summary.created == 20
    assert sorted(LeadSource.objects.values_list("row_number", flat=True)) == list(range(2, 22))
