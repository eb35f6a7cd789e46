"""Normalisation of intake records: every normaliser, valid and invalid values, hostile input."""

from __future__ import annotations

import pytest

from imbuto.intake.normalize import (
    MAX_LENGTHS,
    Normalized,
    clean_text,
    company_key,
    normalize_country,
    normalize_email,
    normalize_person_name,
    normalize_phone,
    normalize_record,
    normalize_vat_id,
    normalize_website,
)


# --- email ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("Mario.Rossi@Example.COM", "Mario.Rossi@example.com"),
    ("Mario Rossi <mario.rossi@example.it>", "mario.rossi@example.it"),
    ("mailto:a.b@ex.it", "a.b@ex.it"),
    ("  x@y.it. ", "x@y.it"),
    ("user@bücher.de", "user@bücher.de"),
    ("user@XN--BCHER-KVA.DE", "user@bücher.de"),
])
def test_it_cleans_valid_emails(raw, expected):
    assert normalize_email(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["a@b", "foo", "a..b@ex.it", "@ex.it", "mario@", "x@@y.it", "m r@x.it"])
def test_it_keeps_invalid_emails_as_typed_and_flags_them(raw):
    value, problem = normalize_email(raw)
    assert value == raw.strip()
    assert problem == "invalid email address"


def test_the_email_key_is_lower_case_and_only_for_valid_addresses():
    assert normalize_record({"email": "Mario.Rossi@Example.com"}).keys["email"] == "mario.rossi@example.com"
    norm = normalize_record({"email": "not-an-email"})
    assert "email" not in norm.keys
    assert norm.values["email"] == "not-an-email"
    assert norm.flags["email"] == "invalid email address"


# --- phone ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("02 1234 5678", "IT", "+390212345678"),
    ("333 123 4567", "IT", "+393331234567"),
    ("030 1234567", "DE", "+49301234567"),
    ("+44 20 7946 0958", "IT", "+442079460958"),
    ("0044 20 7946 0958", "IT", "+442079460958"),
    ("(+39) 02-1234-5678", "DE", "+390212345678"),
])
def test_it_formats_phones_as_e164(raw, region, expected):
    assert normalize_phone(raw, region) == (expected, None)


@pytest.mark.parametrize("raw", ["123", "call me", "+39", "0" * 60])
def test_it_flags_invalid_phones(raw):
    value, problem = normalize_phone(raw)
    assert problem == "invalid phone number"
    assert value == raw[:40]


def test_a_national_number_takes_the_records_country_then_the_default_region():
    assert normalize_record({"phone": "030 1234567", "country": "Germania"}).keys["phone"] == "+49301234567"
    assert normalize_record({"phone": "02 1234 5678"}).keys["phone"] == "+390212345678"
    assert normalize_record({"phone": "020 7946 0958"}, default_region="GB").keys["phone"] == "+442079460958"


# --- VAT id and codice fiscale --------------------------------------------------------------------
@pytest.mark.parametrize("raw", ["00743110157", "IT00743110157", "IT 007 431 101 57", "it-00743110157"])
def test_a_valid_partita_iva_is_kept_as_eleven_digits(raw):
    assert normalize_vat_id(raw) == ("00743110157", "", None)


def test_an_invalid_partita_iva_is_kept_as_typed_and_flagged():
    assert normalize_vat_id("00743110158") == ("00743110158", "", "invalid Partita IVA")
    norm = normalize_record({"vat_id": "IT 00743110158"})
    assert norm.values["vat_id"] == "IT 00743110158"
    assert norm.flags["vat_id"] == "invalid Partita IVA"
    assert "vat_id" not in norm.keys


def test_a_codice_fiscale_goes_to_the_tax_code():
    assert normalize_vat_id("rssmra85t10a562s") == ("", "RSSMRA85T10A562S", None)
    norm = normalize_record({"vat_id": "RSSMRA85T10A562S"})
    assert norm.values == {"tax_code": "RSSMRA85T10A562S"}
    assert norm.keys["tax_code"] == "RSSMRA85T10A562S"


def test_an_invalid_codice_fiscale_is_flagged():
    assert normalize_vat_id("RSSMRA85T10A562X") == ("", "RSSMRA85T10A562X", "invalid codice fiscale")
    norm = normalize_record({"tax_code": "RSSMRA85T10A562X"})
    assert norm.flags["tax_code"] == "invalid codice fiscale"


def test_a_companys_numeric_codice_fiscale_is_its_partita_iva():
    norm = normalize_record({"tax_code": "00743110157"})
    assert norm.values["vat_id"] == "00743110157"
    assert norm.keys["vat_id"] == "IT00743110157"


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("DE136695976", "", "DE136695976"),
    ("de 136 695 976", "", "DE136695976"),
    ("136695976", "DE", "DE136695976"),
    ("FR40303265045", "", "FR40303265045"),
    ("ESB58378431", "", "ESB58378431"),
    ("GB980780684", "", "GB980780684"),
    ("CHE-107.787.577 MWST", "CH", "CHE107787577MWST"),
])
def test_foreign_vat_ids_keep_their_country_prefix(raw, country, expected):
    assert normalize_vat_id(raw, country) == (expected, "", None)


def test_an_invalid_foreign_vat_id_is_flagged():
    assert normalize_vat_id("DE136695977") == ("DE136695977", "", "invalid VAT id")
    assert normalize_vat_id("12345", "DE")[2] == "invalid VAT id"


# --- website and domain ---------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "website", "domain"), [
    ("www.Example.co.uk/path", "https://www.example.co.uk/path", "example.co.uk"),
    ("http://shop.acme.it/", "http://shop.acme.it", "acme.it"),
    ("https://bücher.de", "https://bücher.de", "bücher.de"),
    ("xn--bcher-kva.de", "https://bücher.de", "bücher.de"),
    ("example.com?utm=1", "https://example.com?utm=1", "example.com"),
])
def test_websites_give_their_registered_domain(raw, website, domain):
    assert normalize_website(raw) == (website, domain, None)


@pytest.mark.parametrize("raw", ["not a url", "http://localhost", "http://[::1]", "https://"])
def test_invalid_websites_are_flagged(raw):
    assert normalize_website(raw)[1:] == ("", "invalid website")


def test_the_domain_comes_from_a_business_email_but_not_from_free_mail():
    assert normalize_record({"email": "mario@acme-srl.it"}).keys["domain"] == "acme-srl.it"
    assert "domain" not in normalize_record({"email": "mario@gmail.com"}).keys
    assert normalize_record({"email": "m@gmail.com", "website": "acme.it"}).keys["domain"] == "acme.it"


# --- company names --------------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "key"), [
    ("Acme S.r.l.", "acme"), ("ACME SRL", "acme"), ("Acme s.r.l.s.", "acme"), ("Fiat S.p.A.", "fiat"),
    ("Rossi & C. S.n.c.", "rossi"), ("Rossi e C. sas", "rossi"), ("Società per Azioni Fiat", "fiat"),
    ("Müller GmbH & Co. KG", "muller"), ("Siemens AG", "siemens"), ("Tesco PLC", "tesco"),
    ("Foo Ltd", "foo"), ("Foo Limited", "foo"), ("Apple Inc.", "apple"), ("Bar LLC", "bar"),
    ("Danone S.A.", "danone"), ("Renault SAS", "renault"), ("Michelin SARL", "michelin"),
    ("Philips B.V.", "philips"), ("N.V. Nutricia", "nutricia"), ("Nokia Oyj", "nokia"), ("Volvo AB", "volvo"),
    ("The Coca-Cola Company", "coca cola"), ("Johnson & Johnson", "johnson johnson"),
    ("D S M IP Assets B.V.", "dsm ip assets"), ("ALCATEL N.V., AMSTERDAM, NL", "alcatel"),
    ("Widget Co.", "widget"), ("S.r.l.", "srl"), ("Café Noir SARL", "cafe noir"),
])
def test_legal_forms_are_folded_in_several_languages(raw, key):
    assert company_key(raw) == key


def test_company_key_is_stored_with_the_company_name():
    norm = normalize_record({"company_name": "  ACME   S.r.l. "})
    assert norm.values["company_name"] == "ACME S.r.l."
    assert norm.keys["company_key"] == "acme"


# --- person names and countries -------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "expected"), [
    ("mARIO de rossi", "Mario De Rossi"), ("  MARIO   ROSSI ", "Mario Rossi"), ("mcdonald", "McDonald"),
    ("McDonald", "McDonald"), ("d'angelo", "D'Angelo"), ("D'Angelo", "D'Angelo"),
    ("anna-maria", "Anna-Maria"),
    ("Ludwig van Beethoven", "Ludwig van Beethoven"), ("DeLuca", "DeLuca"), ("o'brien", "O'Brien"),
    ("josé ÁLVAREZ", "José Álvarez"), ("李小龍", "李小龍"),
])
def test_person_names_are_trimmed_and_sensibly_cased(raw, expected):
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize(("raw", "code"), [
    ("Italia", "IT"), ("italy", "IT"), ("IT", "IT"), ("Germania", "DE"), ("Deutschland", "DE"),
    ("United Kingdom", "GB"), ("UK", "GB"), ("Regno Unito", "GB"), ("Stati Uniti", "US"), ("USA", "US"),
    ("Svizzera", "CH"), ("España", "ES"), ("Paesi Bassi", "NL"), ("the Netherlands", "NL"), ("FRA", "FR"),
])
def test_countries_become_iso_codes(raw, code):
    assert normalize_country(raw) == (code, None)


def test_an_unknown_country_is_flagged_with_what_was_typed():
    norm = normalize_record({"country": "Narnia"})
    assert "country" not in norm.values
    assert norm.flags["country"] == "unknown country: Narnia"


def test_choice_fields_are_mapped_or_flagged():
    norm = normalize_record({"size_band": "25", "language": "Italiano", "purchase_timeframe": "subito"})
    assert norm.values == {"size_band": "10-49", "language": "it", "purchase_timeframe": "immediate"}
    norm = normalize_record({"size_band": "huge", "language": "Klingon language", "purchase_timeframe": "x"})
    assert set(norm.flags) == {"size_band", "language", "purchase_timeframe"}
    assert norm.values == {}


def test_a_full_record():
    norm = normalize_record({
        "first_name": "mARIO", "last_name": "de rossi", "email": "Mario.Rossi@Acme.IT",
        "phone": "02 1234 5678",
        "vat_id": "IT00743110157", "company_name": "Acme S.r.l.", "website": "www.acme.it",
        "country": "Italia", "postal_code": " 20100 ", "city": "Milano", "unknown_column": "ignored",
    })
    assert norm.flags == {}
    assert norm.values["first_name"] == "Mario"
    assert norm.values["last_name"] == "De Rossi"
    assert norm.values["country"] == "IT"
    assert norm.values["postal_code"] == "20100"
    assert "unknown_column" not in norm.values
    assert norm.keys == {"email": "mario.rossi@acme.it", "phone": "+390212345678", "vat_id": "IT00743110157",
                         "domain": "acme.it", "company_key": "acme", "name_key": norm.keys["name_key"]}
    assert norm.keys["name_key"]
    record = norm.match_record()
    assert record["vat_id"] == "IT00743110157"
    assert record["first_name"] == "Mario"


def test_swapped_names_have_the_same_name_key():
    a = normalize_record({"first_name": "Mario", "last_name": "Rossi"}).keys["name_key"]
    b = normalize_record({"first_name": "ROSSI", "last_name": "mario"}).keys["name_key"]
    assert a == b


def test_match_record_hides_invalid_identity_values():
    record = normalize_record({"email": "nope", "phone": "12", "first_name": "Anna"}).match_record()
    assert record["email"] == ""
    assert record["phone"] == ""
    assert record["first_name"] == "Anna"


# --- hostile input --------------------------------------------------------------------------------
HOSTILE = [
    "x" * 1_000_000, "a\x00b\x00c", "\u202eevil\u202c", "مرحبا بالعالم", "😀🔥💥", "\ufeffbom", "\r\n\t",
    "=HYPERLINK(\"http://evil\")", "'; DROP TABLE leads; --", "\udcff", "ﷺ" * 300, "\u200b",
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:12]))
def test_no_field_ever_raises_and_values_fit_their_columns(value):
    raw = dict.fromkeys(MAX_LENGTHS, value)
    norm = normalize_record(raw)
    assert isinstance(norm, Normalized)
    for name, text in norm.values.items():
        assert len(text) <= MAX_LENGTHS[name], name
        assert "\x00" not in text
    for key in norm.keys.values():
        assert "\x00" not in key
    for text in (*norm.values.values(), *norm.keys.values(), *norm.flags.values()):
        text.encode("utf-8")  # storable: no lone surrogates


@pytest.mark.parametrize("value", [None, 12345, 3.5, ["a", "b"], {"x": 1}, b"bytes\xff", True, object()])
def test_non_text_values_never_raise(value):
    norm = normalize_record(dict.fromkeys(MAX_LENGTHS, value))
    assert isinstance(norm, Normalized)


def test_a_record_that_is_not_a_dict_is_flagged():
    assert normalize_record(["not", "a", "dict"]).flags == {"record": "not a record"}  # type: ignore[arg-type]


def test_a_huge_field_is_cut_and_flagged():
    norm = normalize_record({"first_name": "x" * 1_000_000, "city": "Roma " * 100_000})
    assert len(norm.values["first_name"]) == 100
    assert norm.flags["first_name"] == "too long, cut to 100 characters"
    assert len(norm.values["city"]) <= 100
    assert norm.flags["city"].startswith("too long")


def test_clean_text_removes_control_characters_and_collapses_spaces():
    assert clean_text("  a\x00b \t\n c\u200b ") == "ab c"
    assert clean_text(None) == ""
    assert clean_text(42) == "42"
