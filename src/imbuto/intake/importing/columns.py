"""From file columns to lead fields: header aliases (English, HubSpot, Salesforce, Italian), manual
mappings, full-name splitting and cell hygiene (formula neutralising, size limits). Values go on as
typed: what they mean (a timeframe, a size band, a country) is read by the normaliser, as for every
other way in.

Pure functions over plain data: no database here, so the mapping is tested and reused everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from imbuto.core.explain import coded
from imbuto.leads import fields as lead_fields

from ..normalize import normalize_country

FULL_NAME = "full_name"
IGNORE = ""
MAX_CELL_CHARS = 10_000

# Lead fields a list column may fill, in the order shown to people choosing a mapping (leads.fields).
_IMPORTABLE = lead_fields.names(importable=True)
LEAD_FIELDS = (*_IMPORTABLE[:2], FULL_NAME, *_IMPORTABLE[2:])
IDENTITY_FIELDS = ("first_name", "last_name", FULL_NAME, "email", "phone", "company_name")

# Aliases per field, most specific first; a later alias of the same field is a fallback column
# (mobile when the phone is empty, region when the province is empty). The full name is not a lead
# field: it is split into first and last name here.
ALIASES: dict[str, tuple[str, ...]] = {
    FULL_NAME: ("Full Name", "Name", "Contact Name", "Contact Full Name", "Attendee Name", "Attendee",
                "Registrant Name", "Participant", "Participant Name", "Nome e cognome", "Nome cognome",
                "Cognome e nome", "Cognome nome", "Nominativo", "Referente", "Partecipante",
                "Persona di contatto"),
    **{f.name: f.aliases for f in lead_fields.FIELDS if f.importable},
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
                        coded(gettext_noop(
                            "Column “%(col)s” holds %(n)s characters; at most %(max)s are accepted."),
                              col=self.columns[index].header, n=len(value), max=MAX_CELL_CHARS))
                    break
                if value[0] in _FORMULA_CHARS and not _NUMBERISH.match(value):
                    value = "'" + value
                    warnings.setdefault(name, []).append(
                        coded(gettext_noop("Column “%(col)s” starts like a spreadsheet formula; stored with "
                                           "a leading apostrophe so it can never run."),
                              col=self.columns[index].header))
                record[name] = value
                break
        if FULL_NAME in record:
            full = record.pop(FULL_NAME)
            if not (record.get("first_name") or record.get("last_name")):
                first, last = split_full_name(full)
                record.update({k: v for k, v in (("first_name", first), ("last_name", last)) if v})
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


def italian_cap(value: str, country: str) -> str:
    """Excel turns CAP 00184 into the number 184; Italian postal codes always have five digits."""
    if 3 <= len(value) < 5 and value.isdigit() and (not country or normalize_country(country)[0] == "IT"):
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
