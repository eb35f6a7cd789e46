"""GET /api/v1/leads/export (and accounts, contacts): the list's filters, scoped rows, CSV for people
(separator and BOM by language), formula cells neutralised, XLSX, and the bound."""

import csv
import io

import pytest
from openpyxl import load_workbook

from imbuto.leads import export
from tests.factories import AccountFactory, ContactFactory, LeadFactory

from .conftest import assert_error


def rows_of(response, sep):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=sep))


@pytest.fixture
def leads(rep, other_rep):
    return {
        "hot": LeadFactory(owner=rep, first_name="Giulia", last_name="Verdi", temperature="hot",
                           company_name="=HYPERLINK(\"http://x\")", phone="+390212345678"),
        "cold": LeadFactory(owner=rep, first_name="Carlo", last_name="Freddi", temperature="cold",
                            company_name="@SUM(1)"),
        "south": LeadFactory(owner=other_rep, first_name="Remo", last_name="Sud", temperature="hot"),
    }


def test_an_english_reader_gets_commas_with_the_filter_applied(api_as, admin, leads):
    r = api_as(admin).get("/api/v1/leads/export", format="csv", temperature="hot", ordering="last_name")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert "attachment" in r["Content-Disposition"]
    rows = rows_of(r, ",")
    assert rows[0][:3] == ["Id", "First name", "Last name"]
    assert [row[2] for row in rows[1:]] == ["Sud", "Verdi"]


def test_an_italian_reader_gets_semicolons_and_italian_headers(api_as, admin, leads):
    client = api_as(admin)
    r = client.client.get("/api/v1/leads/export", {"format": "csv"},
                          headers={**client._headers(), "Accept-Language": "it"})
    rows = rows_of(r, ";")
    assert rows[0][1:3] == ["Nome", "Cognome"]
    assert len(rows) == 4


def test_formula_cells_are_neutralised_and_phones_read_as_numbers(api_as, admin, leads):
    rows = rows_of(api_as(admin).get("/api/v1/leads/export", search="Verdi"), ",")
    header, row = rows[0], rows[1]
    assert row[header.index("Company")] == "'=HYPERLINK(\"http://x\")"
    assert row[header.index("Phone")] == "02 1234 5678"
    rows = rows_of(api_as(admin).get("/api/v1/leads/export", search="Freddi"), ",")
    assert rows[1][rows[0].index("Company")] == "'@SUM(1)"


def test_a_rep_exports_only_the_leads_they_see(api_as, rep, leads):
    rows = rows_of(api_as(rep).get("/api/v1/leads/export"), ",")
    assert {row[2] for row in rows[1:]} == {"Verdi", "Freddi"}


def test_xlsx_holds_the_same_rows(api_as, admin, leads):
    r = api_as(admin).get("/api/v1/leads/export", format="xlsx", temperature="hot", ordering="last_name")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[0][2] == "Last name"
    assert [v[2] for v in values[1:]] == ["Sud", "Verdi"]
    assert values[2][5] == "'=HYPERLINK(\"http://x\")"
    assert isinstance(values[1][0], int)


def test_unknown_format_and_ordering_are_422(api_as, admin, leads):
    assert_error(api_as(admin).get("/api/v1/leads/export", format="pdf"), 422)
    assert_error(api_as(admin).get("/api/v1/leads/export", ordering="nope"), 422, field="ordering")


def test_an_export_over_the_bound_is_refused_not_cut(api_as, admin, leads, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 2)
    assert_error(api_as(admin).get("/api/v1/leads/export"), 422, field="format")
    assert api_as(admin).get("/api/v1/leads/export", temperature="cold").status_code == 200


def test_accounts_and_contacts_export(api_as, admin, rep):
    AccountFactory(name="+Acme", owner=rep)
    ContactFactory(first_name="Ada", last_name="Neri", owner=rep)
    rows = rows_of(api_as(admin).get("/api/v1/accounts/export"), ",")
    assert rows[1][1] == "'+Acme"
    rows = rows_of(api_as(admin).get("/api/v1/contacts/export", search="Neri"), ",")
    assert rows[1][2] == "Neri"
