"""Header aliases, manual mappings, name splitting and cell hygiene. Pure functions."""

import json
import os

import pytest

from imbuto.intake.importing import columns
from imbuto.intake.importing.columns import (
    MappingError,
    header_key,
    neutralise_formula,
    plan,
    split_full_name,
)
from imbuto.intake.importing.reader import inspect, iter_rows

FILES = os.path.join(os.path.dirname(__file__), "files")


def mapped(header):
    return plan(header).mapped


def test_header_keys_ignore_case_accents_spaces_and_dots():
    assert header_key(" Città ") == header_key("CITTA") == "citta"
    assert header_key("P.IVA") == header_key("p iva") == "piva"
    assert header_key("E-mail") == header_key("email")


def test_hubspot_contact_export_headers():
    path = os.path.join(FILES, "hubspot_contacts.csv")
    p = plan(inspect(path).header)
    assert p.mapped == {
        "Record ID": "external_id", "First Name": "first_name", "Last Name": "last_name", "Email": "email",
        "Phone Number": "phone", "Mobile Phone Number": "phone", "Company Name": "company_name",
        "Website URL": "website", "Job Title": "job_title", "Street Address": "street", "City": "city",
        "State/Region": "region", "Postal Code": "postal_code", "Country/Region": "country"}
    assert p.unmapped == ["Lifecycle Stage", "Contact owner"]
    rows = list(iter_rows(path, inspect(path)))
    record, errors, _w = p.record(rows[1].cells)
    assert record["phone"] == "+44 7700 900123"  # the mobile fills in for the missing phone
    assert not errors


def test_salesforce_lead_export_headers():
    path = os.path.join(FILES, "salesforce_leads.csv")
    info = inspect(path)
    p = plan(info.header)
    assert p.mapped == {
        "Lead ID": "external_id", "First Name": "first_name", "Last Name": "last_name", "Title": "job_title",
        "Company / Account": "company_name", "Email": "email", "Phone": "phone", "Mailing Street": "street",
        "Mailing City": "city", "Mailing State/Province": "region", "Mailing Zip/Postal Code": "postal_code",
        "Mailing Country": "country"}
    record, _e, _w = p.record(list(iter_rows(path, info))[1].cells)
    assert record["street"] == "12 rue de la Paix\nBâtiment B"
    assert record["company_name"] == "Atelier Dubois SA"


def test_italian_headers():
    path = os.path.join(FILES, "italian_cp1252.csv")
    info = inspect(path)
    p = plan(info.header)
    assert p.mapped == {
        "Nome": "first_name", "Cognome": "last_name", "Azienda": "company_name",
        "Ragione sociale": "company_name", "Telefono": "phone", "Cellulare": "phone", "E-mail": "email",
        "Partita IVA": "vat_id", "Codice fiscale": "tax_code", "Indirizzo": "street", "CAP": "postal_code",
        "Città": "city", "Provincia": "region", "Nazione": "country", "Qualifica": "job_title"}
    record, _e, _w = p.record(next(iter_rows(path, info)).cells)
    assert record["company_name"] == "Società Agricola Bellini S.s." and record["phone"] == "347 555 1234"
    assert record["first_name"] == "Niccolò"
    for header, field in [("P.IVA", "vat_id"), ("Via", "street"), ("Comune", "city"), ("Paese", "country"),
                          ("Ruolo", "job_title"), ("Sito web", "website"), ("Regione", "region"),
                          ("Email", "email"), ("Nominativo", "full_name")]:
        assert mapped([header]) == {header: field}


def test_manual_mapping_from_json_wins_and_lists_ignored_columns():
    with open(os.path.join(FILES, "mapping.json")) as fh:
        manual = json.load(fh)
    path = os.path.join(FILES, "custom_headers.csv")
    info = inspect(path)
    p = plan(info.header, manual)
    assert p.unmapped == ["Appunti"] and p.mapped["Referente"] == "full_name"
    rows = [p.record(r.cells)[0] for r in iter_rows(path, info)]
    assert rows[0] == {"company_name": "Ferramenta Bassi snc", "first_name": "Giovanni", "last_name": "Bassi",
                       "phone": "0532 765432", "email": "info@ferramentabassi.it", "city": "Ferrara"}
    assert (rows[1]["first_name"], rows[1]["last_name"]) == ("Anna Maria", "NERI")


def test_a_manual_mapping_with_an_unknown_field_is_refused():
    with pytest.raises(MappingError, match="Unknown lead field"):
        plan(["A"], {"A": "shoe_size"})
    with pytest.raises(MappingError):
        columns.parse_manual(["not", "an", "object"])
    assert columns.parse_manual({"mapping": {"A": "email", "B": None}}) == {"A": "email", "B": ""}


@pytest.mark.parametrize("full,expected", [
    ("Mario Rossi", ("Mario", "Rossi")),
    ("Rossi, Mario", ("Mario", "Rossi")),
    ("ROSSI Mario", ("Mario", "ROSSI")),
    ("Maria De Luca", ("Maria", "De Luca")),
    ("Dott. Gian Luca Bianchi", ("Gian Luca", "Bianchi")),
    ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
    ("Cher", ("Cher", "")),
])
def test_full_names_are_split(full, expected):
    assert split_full_name(full) == expected


def test_formulas_are_neutralised_but_phones_and_numbers_are_not():
    assert neutralise_formula('=HYPERLINK("http://evil","x")') == '\'=HYPERLINK("http://evil","x")'
    assert neutralise_formula("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise_formula("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert neutralise_formula("+39 02 1234 5678") == "+39 02 1234 5678"
    assert neutralise_formula("-12.5") == "-12.5"
    record, errors, warnings = plan(["Company", "Email"]).record(['=HYPERLINK("http://x")', "a@b.it"])
    assert record["company_name"].startswith("'=") and "formula" in warnings["company_name"][0]


def test_oversized_cells_are_errors_and_choice_values_go_on_as_typed():
    """What a timeframe or a size band means is read by the normaliser, as for every way in."""
    p = plan(["Email", "Notes", "Employees", "Timeframe", "CAP"])
    record, errors, _w = p.record(["a@b.it", "x" * 1_048_576, "120", "entro 2 mesi", "184"])
    assert "10,000" in errors["message"][0]
    record, errors, warnings = p.record(["a@b.it", "", "lots", "whenever", "184"])
    assert (record["size_band"], record["purchase_timeframe"], warnings) == ("lots", "whenever", {})
    record, errors, warnings = p.record(["a@b.it", "", "120", "entro 2 mesi", "184"])
    assert (record["size_band"], record["purchase_timeframe"], record["postal_code"]) == (
        "120", "entro 2 mesi", "00184")
