"""From file columns to lead fields: header aliases (English, HubSpot, Salesforce, Italian), manual
mappings, full-name splitting and cell hygiene (formula neutralising, size limits).

Pure functions over plain data: no database here, so the mapping is tested and reused everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FULL_NAME = "full_name"
IGNORE = ""
MAX_CELL_CHARS = 10_000

# Lead fields a list column may fill, in the order shown to people choosing a mapping.
LEAD_FIELDS = (
    "first_name", "last_name", FULL_NAME, "job_title", "email", "phone", "company_name", "website",
    "vat_id", "tax_code", "industry", "size_band", "street", "postal_code", "city", "region", "country",
    "language", "purchase_timeframe", "external_id", "message",
)
IDENTITY_FIELDS = ("first_name", "last_name", FULL_NAME, "email", "phone", "company_name")

# Aliases per field, most specific first; a later alias of the same field is a fallback column
# (mobile when the phone is empty, region when the province is empty).
ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("First Name", "Firstname", "Given Name", "Forename", "First", "Contact First Name",
                   "Nome", "Nome di battesimo", "Prénom", "Vorname", "Nombre"),
    "last_name": ("Last Name", "Lastname", "Surname", "Family Name", "Last", "Contact Last Name",
                  "Cognome", "Nom", "Nachname", "Apellido", "Apellidos"),
    FULL_NAME: ("Full Name", "Name", "Contact Name", "Contact Full Name", "Attendee Name", "Attendee",
                "Registrant Name", "Participant", "Participant Name", "Nome e cognome", "Nome cognome",
                "Cognome e nome", "Cognome nome", "Nominativo", "Referente", "Partecipante",
                "Persona di contatto"),
    "job_title": ("Job Title", "Title", "Jobtitle", "Position", "Role", "Job Role", "Job Function",
                  "Ruolo", "Qualifica", "Mansione", "Posizione", "Carica", "Funzione",
                  "Ruolo aziendale"),
    "email": ("Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Work Email",
              "Business Email", "Indirizzo email", "Indirizzo e-mail", "Posta elettronica",
              "Email aziendale", "PEC"),
    "phone": ("Phone", "Phone Number", "Telephone", "Tel", "Tel.", "Business Phone", "Work Phone",
              "Office Phone", "Telefono", "Telefono fisso", "Numero di telefono", "Recapito telefonico",
              "Mobile Phone", "Mobile Phone Number", "Mobile", "Mobile Number", "Cell", "Cell Phone",
              "Cellulare", "Telefono cellulare", "Cell."),
    "company_name": ("Company", "Company Name", "Company / Account", "Account Name", "Account",
                     "Associated Company",
                     "Organization", "Organisation", "Organization Name", "Business Name", "Employer",
                     "Azienda", "Ragione sociale", "Società", "Denominazione", "Nome azienda",
                     "Impresa", "Ente", "Ditta"),
    "website": ("Website", "Website URL", "Web Site", "Web", "URL", "Homepage", "Company Domain Name",
                "Domain", "Sito", "Sito web", "Sito internet"),
    "vat_id": ("VAT", "VAT ID", "VAT Number", "VAT No", "VAT Code", "VAT Registration Number",
               "Partita IVA", "P.IVA", "P. IVA", "PIVA", "P.I.", "Partita I.V.A.", "Numero partita IVA",
               "USt-IdNr"),
    "tax_code": ("Codice fiscale", "Cod. fiscale", "C.F.", "CF", "Fiscal Code", "Tax Code"),
    "industry": ("Industry", "Sector", "Settore", "Settore merceologico", "Settore di attività",
                 "Codice ATECO", "ATECO"),
    "size_band": ("Number of Employees", "No. of Employees", "Employees", "Company Size", "Headcount",
                  "Numero dipendenti", "N. dipendenti", "Dipendenti"),
    "street": ("Street", "Street Address", "Address", "Address 1", "Address Line 1", "Mailing Street",
               "Billing Street", "Indirizzo", "Via", "Indirizzo sede", "Sede"),
    "postal_code": ("Zip", "Zip Code", "Zipcode", "Postal Code", "Postcode", "Post Code",
                    "Mailing Zip/Postal Code", "Zip/Postal Code", "Billing Zip/Postal Code", "CAP",
                    "C.A.P.", "Codice postale"),
    "city": ("City", "Town", "Mailing City", "Billing City", "Città", "Comune", "Località"),
    "region": ("State", "State/Region", "State/Province", "Mailing State/Province",
               "Billing State/Province", "Province", "Region", "County", "Provincia", "Prov", "Prov.",
               "Sigla provincia", "Regione"),
    "country": ("Country", "Country/Region", "Mailing Country", "Billing Country", "Country Code",
                "Nation", "Nazione", "Paese", "Stato"),
    "language": ("Language", "Preferred Language", "Lingua"),
    "purchase_timeframe": ("Purchase Timeframe", "Timeframe", "Time Frame", "Buying Timeframe",
                           "Tempi di acquisto", "Tempistica"),
    "message": ("Message", "Notes", "Note", "Comments", "Comment", "Description", "Messaggio", "Note",
                "Commenti", "Descrizione", "Richiesta"),
    "external_id": ("Record ID", "Lead ID", "Contact ID", "ID", "External ID", "HubSpot ID",
                    "Salesforce ID"),
}


def header_key(text: str) -> str:
    """Case, accents, spaces and punctuation do not matter: 'Città ' == 'citta', 'P.IVA' == 'piva'."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^0-9a-z]+", "", "".join(ch for ch in text if not unicodedata.combining(ch)))


_ALIAS_INDEX: dict[str, tuple[str, int]] = {}
for _field, _aliases in ALIASES.items():
    for _rank, _alias in enumerate(_aliases):
        _ALIAS_INDEX.setdefault(header_key(_alias), (_field, _rank))
del _field, _aliases, _rank, _alias


class MappingError(ValueError):
    """A manual mapping that cannot be used; the message names the problem."""


@dataclass
class Column:
    index: int
    header: str
    field: str  # a lead field, FULL_NAME, or IGNORE
    how: str  # alias | manual | none


@dataclass
class ColumnPlan:
    """Which column feeds which field, and in which order of preference."""

    columns: list[Column]
    sources: dict[str, list[int]] = field(default_factory=dict)  # field -> column indexes, best first
    missing_manual: list[str] = field(default_factory=list)

    @property
    def unmapped(self) -> list[str]:
        return [c.header for c in self.columns if not c.field]

    @property
    def mapped(self) -> dict[str, str]:
        """header -> field, the shape of a saved manual mapping."""
        return {c.header: c.field for c in self.columns if c.field}

    @property
    def has_identity(self) -> bool:
        return any(f in self.sources for f in IDENTITY_FIELDS)

    def record(self, cells: list[str]) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
        """(record, errors, warnings) for one row. Errors mean the row must not go in.

        The hot loop of an import (a million rows): plain str methods, no helper calls per cell."""
        errors: dict[str, list[str]] = {}
        warnings: dict[str, list[str]] = {}
        record: dict[str, str] = {}
        width = len(cells)
        for name, indexes in self.sources.items():
            for index in indexes:
                if index >= width or not (value := cells[index]):
                    continue
                value = value.strip()
                if "\xa0" in value:
                    value = value.replace("\xa0", " ").strip()
                if not value:
                    continue
                if len(value) > MAX_CELL_CHARS:
                    errors.setdefault(name, []).append(
                        _("Column “%(col)s” holds %(n)s characters; at most %(max)s are accepted.")
                        % {"col": self.columns[index].header, "n": f"{len(value):,}",
                           "max": f"{MAX_CELL_CHARS:,}"})
                    break
                if value[0] in _FORMULA_CHARS and not _NUMBERISH.match(value):
                    value = "'" + value
                    warnings.setdefault(name, []).append(
                        _("Column “%(col)s” starts like a spreadsheet formula; stored with a leading "
                          "apostrophe so it can never run.") % {"col": self.columns[index].header})
                record[name] = value
                break
        if FULL_NAME in record:
            full = record.pop(FULL_NAME)
            if not (record.get("first_name") or record.get("last_name")):
                first, last = split_full_name(full)
                record.update({k: v for k, v in (("first_name", first), ("last_name", last)) if v})
        for name, convert in _CONVERTED:
            if name in record:
                value = convert(record[name])
                if value:
                    record[name] = value
                else:
                    warnings.setdefault(name, []).append(
                        _("“%(value)s” is not understood here; left empty.") % {"value": record[name][:60]})
                    del record[name]
        if "postal_code" in record:
            record["postal_code"] = italian_cap(record["postal_code"], record.get("country", ""))
        return record, errors, warnings

    def raw(self, cells: list[str]) -> dict[str, str]:
        """The row as header -> value, for the error report (long cells cut)."""
        out = {}
        for i, cell in enumerate(cells):
            header = self.columns[i].header if i < len(self.columns) else f"({i + 1})"
            out[header] = cell if len(cell) <= 200 else cell[:200] + "…"
        return out


def clean_cell(value: str) -> str:
    return value.replace("\xa0", " ").strip()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(_FORMULA_START)
_NUMBERISH = re.compile(r"^[+-]?[\d\s().,/\-]*$")


def neutralise_formula(value: str) -> str:
    """OWASP CSV injection: a leading = + - @ makes spreadsheets run the cell. Phone numbers and
    plain numbers (+39 02 ..., -12.5) are data, not formulas, and stay as they are."""
    if value.startswith(_FORMULA_START) and not _NUMBERISH.match(value):
        return "'" + value
    return value


def is_formula_like(value: str) -> bool:
    return bool(value) and value.startswith(_FORMULA_START) and not _NUMBERISH.match(value)


_TITLES = {header_key(t) for t in ("Dott.", "Dott.ssa", "Dr.", "Dr", "Ing.", "Avv.", "Arch.", "Geom.",
                                   "Rag.", "Prof.", "Prof.ssa", "Sig.", "Sig.ra", "Sig.na", "Mr", "Mr.",
                                   "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Sir", "Dame", "Herr", "Frau")}
_PARTICLES = {"de", "di", "da", "del", "della", "dei", "degli", "dal", "dalla", "dello", "lo", "la", "le",
              "van", "von", "der", "den", "ten", "ter", "du", "dos", "das", "do", "mac", "st", "st.", "d'",
              "de'", "al", "el", "bin", "ibn"}


def split_full_name(full: str) -> tuple[str, str]:
    """'Rossi, Mario' and 'ROSSI Mario' put the surname first; 'Maria De Luca' keeps the particle
    with the surname; titles (Dott., Ing., Mr) are dropped; a single word is taken as first name."""
    full = re.sub(r"\s+", " ", full).strip()
    if "," in full:
        last, _sep, first = full.partition(",")
        return first.strip(), last.strip()
    words = [w for w in full.split(" ") if header_key(w) not in _TITLES or len(full.split(" ")) == 1]
    if len(words) <= 1:
        return (words[0] if words else ""), ""
    upper = [w.isupper() and len(w) > 1 for w in words]
    if upper[0] and not all(upper):
        n = upper.index(False)
        return " ".join(words[n:]), " ".join(words[:n])
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].casefold() in _PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def size_band(value: str) -> str:
    """'120', '50-249', '11-50 employees' -> the lead's size band; '' when not understood."""
    if value in ("1-9", "10-49", "50-249", "250+"):
        return value
    match = re.search(r"\d[\d.,]*", value)
    if not match:
        return ""
    number = int(re.sub(r"[.,]", "", match.group()))
    for limit, band in ((9, "1-9"), (49, "10-49"), (249, "50-249")):
        if number <= limit:
            return band
    return "250+"


_TIMEFRAMES = (
    ("immediate", ("immediate", "immediately", "now", "asap", "urgent", "subito", "immediato", "urgente",
                   "this month", "questo mese", "0-1 months", "0-1 mesi", "entro 1 mese", "within 1 month")),
    ("within_2_months", ("within_2_months", "within 2 months", "1-2 months", "1-3 months", "entro 2 mesi",
                         "1-2 mesi", "entro due mesi", "next month", "prossimo mese", "soon", "a breve")),
    ("later", ("later", "3-6 months", "6-12 months", "6 months", "next year", "more than 2 months",
               "oltre 2 mesi", "3-6 mesi", "6-12 mesi", "prossimo anno", "in futuro", "future")),
    ("unknown", ("unknown", "not sure", "don't know", "non so", "non definito", "n/a", "nd", "n.d.")),
)
_TIMEFRAME_INDEX = {header_key(alias): value for value, aliases in _TIMEFRAMES for alias in aliases}


def timeframe(value: str) -> str:
    """Common ways to say when someone wants to buy -> the lead's timeframe; '' when not understood."""
    return _TIMEFRAME_INDEX.get(header_key(value), "")


_CONVERTED = (("size_band", size_band), ("purchase_timeframe", timeframe))
_ITALY = ("", "it", "ita", "italy", "italia")


def italian_cap(value: str, country: str) -> str:
    """Excel turns CAP 00184 into the number 184; Italian postal codes always have five digits."""
    if 3 <= len(value) < 5 and value.isdigit() and header_key(country) in _ITALY:
        return value.zfill(5)
    return value


def plan(header: list[str], manual: dict[str, Any] | None = None) -> ColumnPlan:
    """Map headers by a manual mapping first (exact header, then alias key), then by aliases."""
    manual = parse_manual(manual or {})
    by_key = {header_key(h): f for h, f in manual.items()}
    columns: list[Column] = []
    seen_manual: set[str] = set()
    ranked: dict[str, list[tuple[int, int]]] = {}
    for index, text in enumerate(header):
        key = header_key(text)
        if text in manual or key in by_key:
            target = manual[text] if text in manual else by_key[key]
            seen_manual.add(key)
            columns.append(Column(index, text, target, "manual"))
            if target:
                ranked.setdefault(target, []).append((-1, index))
            continue
        found = _ALIAS_INDEX.get(key)
        if found:
            columns.append(Column(index, text, found[0], "alias"))
            ranked.setdefault(found[0], []).append((found[1], index))
        else:
            columns.append(Column(index, text, IGNORE, "none"))
    sources = {f: [i for _rank, i in sorted(v)] for f, v in ranked.items()}
    missing = [h for h in manual if header_key(h) not in seen_manual]
    return ColumnPlan(columns=columns, sources=sources, missing_manual=missing)


def parse_manual(data: Any) -> dict[str, str]:
    """A manual mapping is {"File header": "lead_field"}; null, "" or "ignore" drop a column.
    `{"mapping": {...}}` (a saved mapping exported as JSON) is accepted too."""
    if isinstance(data, dict) and isinstance(data.get("mapping"), dict):
        data = data["mapping"]
    if not isinstance(data, dict):
        raise MappingError(_("A mapping must be a JSON object of file header -> lead field."))
    out: dict[str, str] = {}
    unknown = []
    for header, target in data.items():
        name = (target or "").strip() if isinstance(target, str) or target is None else None
        if name is None:
            raise MappingError(_("The mapping for “%(h)s” must be a field name.") % {"h": header})
        if name.lower() in ("", "ignore", "-", "none", "skip"):
            out[str(header)] = IGNORE
        elif name in LEAD_FIELDS:
            out[str(header)] = name
        else:
            unknown.append(f"{header} -> {name}")
    if unknown:
        raise MappingError(_("Unknown lead field in the mapping: %(items)s. Known fields: %(known)s.")
                           % {"items": "; ".join(unknown), "known": ", ".join(LEAD_FIELDS)})
    return out


def is_header_again(cells: list[str], header: list[str]) -> bool:
    """Concatenated exports repeat the header row: skip it quietly (first cell checked first: fast)."""
    return (len(cells) == len(header) and cells[0].strip() == header[0]
            and [clean_cell(c) for c in cells] == [clean_cell(h) for h in header])
