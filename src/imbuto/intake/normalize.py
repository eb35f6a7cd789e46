"""Normalise one raw intake record into clean lead values, quality flags and match keys (issue #3).

Pure functions over plain dicts, no database and no network. Every normaliser is total: hostile
input (huge fields, NUL bytes, RTL text, emoji, wrong types) gives a value and maybe a flag, never an
exception. Invalid values are kept as typed and flagged, so nothing the sender wrote is lost.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import phonenumbers

from imbuto.leads import fields as lead_fields
from imbuto.leads.parsing import parse_language, parse_size_band, parse_timeframe

from .identifiers import (
    FREE_MAIL_DOMAINS,
    clean_text,
    normalize_email,
    normalize_phone,
    normalize_vat_id,
    normalize_website,
    registered_domain,
)
from .matching.text import company_key, person_name_key, vat_key


def _wordlist(text: str) -> list[str]:
    return text.split()


__all__ = [
    "MAX_LENGTHS", "Normalized", "clean_text", "company_key", "normalize_country", "normalize_email",
    "normalize_person_name", "normalize_phone", "normalize_record", "normalize_vat_id",
    "normalize_website",
]

# Lead fields the normaliser cleans, and their column sizes (leads.fields, which the model's columns
# use too): longer values are cut and flagged.
MAX_LENGTHS: dict[str, int] = {f.name: f.max_length for f in lead_fields.FIELDS if f.column and f.normalised}
KEY_FIELDS = ("email", "phone", "vat_id", "tax_code", "domain", "company_key", "name_key", "phone_local")


@dataclass
class Normalized:
    """Clean lead values, the problems of values kept as typed, and the derived match keys."""

    values: dict[str, str] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def match_record(self) -> dict[str, str]:
        """What the matcher compares: the values, with the validated keys in place of raw values."""
        record = dict(self.values)
        for name in ("email", "phone", "vat_id", "tax_code"):
            record[name] = self.keys.get(name, "")
        record.update({k: v for k, v in self.keys.items() if k not in record})
        return record


_COUNTRY_EXTRA = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
                  "inghilterra": "GB", "gran bretagna": "GB", "usa": "US", "u s a": "US", "us": "US",
                  "america": "US", "united states of america": "US", "stati uniti d america": "US",
                  "holland": "NL", "olanda": "NL", "the netherlands": "NL", "ita": "IT", "deu": "DE",
                  "fra": "FR", "esp": "ES", "gbr": "GB", "che": "CH", "aut": "AT", "nld": "NL", "bel": "BE",
                  "prt": "PT", "irl": "IE", "pol": "PL", "swe": "SE", "dnk": "DK", "aus": "AU",
                  "czech republic": "CZ", "repubblica ceca": "CZ", "russia": "RU", "south korea": "KR",
                  "korea": "KR", "vatican city": "VA", "ivory coast": "CI"}


def _country_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


@lru_cache(maxsize=1)
def _locale_data() -> dict[str, dict[str, str]]:
    """phonenumbers' country names per language (geodata/locale.py), loaded alone: importing it the
    usual way runs the geodata package, which loads every prefix's place names first (0.5 s of CPU at
    each start of an import, for a table that needs 0.06 s)."""
    import importlib.util
    import sys

    loaded = sys.modules.get("phonenumbers.geodata.locale")
    if loaded is None:
        path = Path(phonenumbers.__file__).parent / "geodata" / "locale.py"
        spec = importlib.util.spec_from_file_location("phonenumbers.geodata.locale", path)
        if spec is None or spec.loader is None:
            raise ImportError(path)
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)  # not put in sys.modules: its package was not imported
    data: dict[str, dict[str, str]] = loaded.LOCALE_DATA
    return data


def region_display_name(code: str, lang: str) -> str:
    """phonenumbers.geocoder._region_display_name over _locale_data (a "*xx" name is language xx's)."""
    names = _locale_data().get(code)
    if names is None:
        return ""
    name = names.get(lang, "")
    if name.startswith("*"):
        name = names.get(name[1:], "")
    return str(name)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names in English, Italian, German, French and Spanish -> ISO alpha-2 (phonenumbers data)."""
    names: dict[str, str] = {}
    _region_display_name: Any
    try:
        _locale_data()
        _region_display_name = region_display_name
    except Exception:  # phonenumbers laid out otherwise: its own function
        try:
            from phonenumbers.geocoder import _region_display_name
        except ImportError:  # pragma: no cover - the extras below still work
            _region_display_name = None
    for code in phonenumbers.SUPPORTED_REGIONS:
        if code == "001":
            continue
        names[code.lower()] = code
        for lang in ("en", "it", "de", "fr", "es") if _region_display_name else ():
            try:
                display = _region_display_name(code, lang)
            except Exception:
                display = ""
            if display:
                names.setdefault(_country_key(display), code)
    names.update(_COUNTRY_EXTRA)
    return names


def normalize_country(value: str) -> tuple[str, str | None]:
    """(ISO 3166 alpha-2, problem): "Italia", "Germania", "United Kingdom", "UK" -> IT, DE, GB, GB."""
    if value.__class__ is str and len(value) <= 100:
        return _country_of(value)  # a list spells its few countries over and over
    return _country_of_text(value)


@lru_cache(maxsize=4096)
def _country_of(value: str) -> tuple[str, str | None]:
    return _country_of_text(value)


def _country_of_text(value: Any) -> tuple[str, str | None]:
    text = clean_text(value, 100)
    if not text:
        return "", None
    code = _country_names().get(_country_key(text))
    if code:
        return code, None
    return "", f"unknown country: {text[:80]}"


# --- person names and plain text ----------------------------------------------------------------------
_PARTICLES = frozenset(_wordlist("van von de di da del della dei degli der den la le lo du dos das ten ter "
                                 "af av"))


def _case_word(word: str) -> str:
    """Capitalise one word, keeping the inner capitals of Mc-names and after apostrophes or hyphens."""
    out = []
    capital = True
    lower = word.lower()
    for i, ch in enumerate(lower):
        out.append(ch.upper() if capital else ch)
        capital = ch in "'’-" or (i == 1 and lower.startswith("mc") and len(lower) > 3)
    return "".join(out)


def _looks_cased(word: str) -> bool:
    """A word somebody cased on purpose: starts upper-case and has lower-case letters (McDonald, DeLuca)."""
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and letters[0].isupper() and any(ch.islower() for ch in letters)


def normalize_person_name(value: str, max_length: int = 100) -> str:
    """Trimmed and sensibly cased: "mARIO de rossi" -> "Mario De Rossi"; "Ludwig van Beethoven" is kept."""
    if value.__class__ is str and len(value) <= 200:
        return _person_name(value, max_length)  # first and last names repeat a lot
    return _person_name_text(value, max_length)


@lru_cache(maxsize=32_768)
def _person_name(value: str, max_length: int) -> str:
    return _person_name_text(value, max_length)


def _person_name_text(value: Any, max_length: int) -> str:
    text = clean_text(value, max_length).strip(" ,;")
    if not text:
        return ""
    parts = text.split(" ")
    deliberate = any(_looks_cased(w) for w in parts)
    cased = []
    for word in parts:
        if _looks_cased(word) or (deliberate and word.lower() in _PARTICLES and word.islower()):
            cased.append(word)
        elif any(ch.isalpha() and (ch.islower() or ch.isupper()) for ch in word):
            cased.append(_case_word(word))
        else:
            cased.append(word)
    return " ".join(cased)[:max_length]



def _cut(out: Normalized, name: str, text: str) -> str:
    limit = MAX_LENGTHS[name]
    if len(text) > limit:
        out.flags.setdefault(name, f"too long, cut to {limit} characters")
        return text[:limit].rstrip()
    return text


def _plain(out: Normalized, raw: dict[str, Any], name: str) -> None:
    text = clean_text(raw.get(name), MAX_LENGTHS[name])
    if text:
        out.values[name] = _cut(out, name, text)


def _choice_fields(out: Normalized, raw: dict[str, Any]) -> None:
    text = clean_text(raw.get("language"), 40)
    if text:
        code = parse_language(text)
        if code:
            out.values["language"] = code
        else:
            out.flags["language"] = f"unknown language: {text[:40]}"
    text = clean_text(raw.get("size_band"), 40)
    if text:
        band = parse_size_band(text)
        if band:
            out.values["size_band"] = band
        else:
            out.flags["size_band"] = f"unknown size band: {text[:40]}"
    text = clean_text(raw.get("purchase_timeframe"), 40)
    if text:
        frame = parse_timeframe(text)
        if frame:
            out.values["purchase_timeframe"] = frame
        else:
            out.flags["purchase_timeframe"] = f"unknown purchase timeframe: {text[:40]}"


def _identity_fields(out: Normalized, raw: dict[str, Any], country: str, region: str) -> None:
    email, problem = normalize_email(raw.get("email"))
    if email:
        out.values["email"] = email
        if problem:
            out.flags["email"] = problem
        else:
            out.keys["email"] = email.lower()
    phone, problem = normalize_phone(raw.get("phone"), region)
    if phone:
        out.values["phone"] = phone
        if problem:
            out.flags["phone"] = problem
            digits = "".join(ch for ch in phone if ch.isdigit())
            if 6 <= len(digits) <= 15:  # a local number without its prefix: still compared by its digits
                out.keys["phone_local"] = digits
        else:
            out.keys["phone"] = phone
    for source in ("vat_id", "tax_code"):
        vat, tax, problem = normalize_vat_id(raw.get(source), country)
        if problem:
            out.values.setdefault(source, _cut(out, source, vat or tax))
            out.flags[source] = problem
        if vat and not problem:
            out.values["vat_id"] = vat
            out.keys["vat_id"] = vat_key(vat)
            if source == "tax_code" and "tax_code" not in out.values:
                out.values["tax_code"] = vat  # a company's codice fiscale is its Partita IVA number
        if tax and not problem:
            out.values["tax_code"] = tax
            out.keys["tax_code"] = tax
    website, domain, problem = normalize_website(raw.get("website"))
    if website:
        out.values["website"] = website
        if problem:
            out.flags["website"] = problem
    email_domain = out.keys.get("email", "").rpartition("@")[2]
    if not domain and email_domain and email_domain not in FREE_MAIL_DOMAINS:
        domain = registered_domain(email_domain)
    if domain:
        out.keys["domain"] = domain


def _normalize(raw: dict[str, Any], default_region: str) -> Normalized:
    out = Normalized()
    country, problem = normalize_country(raw.get("country"))
    if country:
        out.values["country"] = country
    elif problem:
        out.flags["country"] = problem
    region = country or (default_region or "IT").upper()
    for name in ("first_name", "last_name"):
        text = normalize_person_name(raw.get(name), MAX_LENGTHS[name] * 4)
        if text:
            out.values[name] = _cut(out, name, text)
    for name in ("job_title", "company_name", "industry", "street", "city", "region", "external_id"):
        _plain(out, raw, name)
    postal = clean_text(raw.get("postal_code"), 20).upper()
    if postal:
        out.values["postal_code"] = _cut(out, "postal_code", postal)
    _choice_fields(out, raw)
    _identity_fields(out, raw, country, region)
    if out.values.get("company_name"):
        out.keys["company_key"] = company_key(out.values["company_name"])
    name_key = person_name_key(out.values.get("first_name", ""), out.values.get("last_name", ""))
    if name_key:
        out.keys["name_key"] = name_key
    return out


def normalize_record(raw: dict[str, Any], *, default_region: str = "IT") -> Normalized:
    """Clean a raw record (lead field names as keys; other keys ignored). Never raises: a value that
    breaks a normaliser is kept as typed (cut to the column size) and flagged."""
    if not isinstance(raw, dict):
        return Normalized(flags={"record": "not a record"})
    try:
        return _normalize(raw, default_region)
    except Exception:  # a bug in one normaliser must not lose the record
        out = Normalized()
        for name in MAX_LENGTHS:
            text = clean_text(raw.get(name), MAX_LENGTHS[name])
            if text:
                out.values[name] = text[: MAX_LENGTHS[name]]
                out.flags[name] = "could not be normalised"
        return out
