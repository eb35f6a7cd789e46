"""FROZEN copy of imbuto.intake.normalize before the fast paths (reference for test_normalize_fast).

Do not optimise: the tests compare the fast code with this plain, library-only implementation."""


from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import email_validator
import phonenumbers
import tldextract
from stdnum.eu import vat as eu_vat
from stdnum.it import codicefiscale, iva
from stdnum.util import get_cc_module

from imbuto.leads.parsing import parse_language, parse_size_band, parse_timeframe

from .text import company_key, person_name_key, vat_key


def _wordlist(text: str) -> list[str]:
    return text.split()

__all__ = [
    "MAX_LENGTHS", "Normalized", "clean_text", "company_key", "normalize_country", "normalize_email",
    "normalize_person_name", "normalize_phone", "normalize_record", "normalize_vat_id",
    "normalize_website",
]

# Lead fields and their column sizes (leads.models.Lead): longer values are cut and flagged.
MAX_LENGTHS: dict[str, int] = {
    "first_name": 100, "last_name": 100, "job_title": 150, "email": 254, "phone": 40, "language": 8,
    "company_name": 200, "website": 200, "vat_id": 30, "tax_code": 20, "industry": 100, "size_band": 10,
    "street": 200, "postal_code": 20, "city": 100, "region": 100, "country": 2, "purchase_timeframe": 20,
    "external_id": 100,
}
KEY_FIELDS = ("email", "phone", "vat_id", "tax_code", "domain", "company_key", "name_key")
# Control characters, zero-width marks, and lone surrogates (not encodable, e.g. from a broken file decode).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2028\u2029\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


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


def clean_text(value: Any, max_length: int = 1000) -> str:
    """Any input as one tidy line of text: NFC, no control characters, single spaces, stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    value = value[: max_length * 4 + 64]
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", value).strip()


# --- email -------------------------------------------------------------------------------------------
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*)>")


def normalize_email(value: str) -> tuple[str, str | None]:
    """(email, problem). Syntax check without network; domain lower-cased; the key is all lower-case."""
    text = clean_text(value, 254)
    if not text:
        return "", None
    angle = _ANGLE.search(text)
    candidate = _MAILTO.sub("", angle.group(1) if angle else text).strip().strip(".,;")
    try:
        result = email_validator.validate_email(candidate, check_deliverability=False,
                                                 allow_smtputf8=True, allow_quoted_local=False)
    except Exception:
        return text[:254], "invalid email address"
    return result.normalized[:254], None


# --- phone -------------------------------------------------------------------------------------------
def normalize_phone(value: str, region: str = "IT") -> tuple[str, str | None]:
    """(E.164 number, problem). A number without country code takes `region` (the record's country)."""
    text = clean_text(value, 40)
    if not text:
        return "", None
    try:
        number = phonenumbers.parse(text[:100], (region or "IT").upper())
        valid = phonenumbers.is_valid_number(number)
    except Exception:  # NumberParseException and friends: kept as typed below
        valid = False
    if valid:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
    return text[:40], "invalid phone number"


# --- VAT id and codice fiscale -----------------------------------------------------------------------
_COMPACT = re.compile(r"[\s.\-/_,:]")
_CF_SHAPE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")
_EU_PREFIXES = frozenset(_wordlist("AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT "
                                   "RO SE SI SK XI"))


def _other_vat(number: str, country: str) -> str | None:
    """Compact VAT id with its country prefix when it validates for `country` (EU or national)."""
    prefix = "EL" if country == "GR" else country
    if prefix in _EU_PREFIXES:
        candidate = number if number.startswith(prefix) else prefix + number
        try:
            if eu_vat.is_valid(candidate):
                return eu_vat.compact(candidate)
        except Exception:
            return None
        return None
    try:
        module = get_cc_module(country.lower(), "vat")
    except Exception:
        module = None
    if module is None:
        return None
    bare = number[len(country):] if number.startswith(country) else number
    for candidate in (number, bare):
        try:
            if module.is_valid(candidate):
                compact = module.compact(candidate)
                return compact if compact.startswith(country) else country + compact
        except Exception:  # noqa: S112  (a national module may reject odd input; try the next form)
            continue
    return None


def normalize_vat_id(value: str, country: str = "") -> tuple[str, str, str | None]:
    """(vat_id, tax_code, problem). Partita IVA -> 11 digits; codice fiscale -> tax_code; other ids ->
    compact with country prefix. An invalid id is returned as typed with a problem."""
    text = clean_text(value, 30)
    if not text:
        return "", "", None
    number = _COMPACT.sub("", text).upper()[:40]
    if _CF_SHAPE.match(number):
        return ("", number, None) if codicefiscale.is_valid(number) else (
            "", text[:20], "invalid codice fiscale")
    prefix = number[:2] if number[:2].isalpha() else ""
    if prefix == "IT" or (not prefix and country in ("", "IT") and len(number) == 11 and number.isdigit()):
        digits = number[2:] if prefix else number
        return (digits, "", None) if iva.is_valid(digits) else (text[:30], "", "invalid Partita IVA")
    if prefix:
        found = _other_vat(number, "GR" if prefix == "EL" else prefix)
    else:
        found = _other_vat(number, country) if country else None
    return (found, "", None) if found else (text[:30], "", "invalid VAT id")


# --- website and domain ------------------------------------------------------------------------------
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
FREE_MAIL_DOMAINS = frozenset(_wordlist("""gmail.com googlemail.com yahoo.com yahoo.it yahoo.co.uk yahoo.fr
    yahoo.de hotmail.com hotmail.it hotmail.co.uk hotmail.fr outlook.com outlook.it live.com live.it
    msn.com icloud.com
    me.com mac.com aol.com gmx.de gmx.net gmx.com web.de libero.it virgilio.it tiscali.it alice.it tim.it
    email.it inwind.it fastwebnet.it pec.it legalmail.it proton.me protonmail.com tutanota.com yandex.ru
    mail.ru orange.fr free.fr laposte.net wanadoo.fr t-online.de freenet.de qq.com 163.com"""))


def _unicode_host(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except Exception:
                return host
        labels.append(label)
    return ".".join(labels)


@lru_cache(maxsize=50_000)
def registered_domain(host: str) -> str:
    """"www.shop.example.co.uk" -> "example.co.uk", using the bundled public suffix list (no network)."""
    host = _unicode_host(host.strip(".").lower())
    try:
        parts = _EXTRACT(host)
    except Exception:
        return ""
    if hasattr(parts, "top_domain_under_public_suffix"):
        domain = parts.top_domain_under_public_suffix
    else:  # pragma: no cover - tldextract < 5.3
        domain = parts.registered_domain
    return domain.lower()


def normalize_website(value: str) -> tuple[str, str, str | None]:
    """(website, registered domain, problem). Adds https:// when missing; host lower-cased."""
    text = clean_text(value, 200)
    if not text:
        return "", "", None
    url = text if "://" in text[:12] else "https://" + text.lstrip("/")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        host = ""
    domain = registered_domain(host) if host and " " not in host else ""
    if not domain:
        return text[:200], "", "invalid website"
    website = f"{parts.scheme.lower()}://{_unicode_host(host)}{parts.path if parts.path != '/' else ''}"
    if parts.query:
        website += "?" + parts.query
    return website[:200], domain, None


# --- countries -----------------------------------------------------------------------------------------
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
def _country_names() -> dict[str, str]:
    """Country names in English, Italian, German, French and Spanish -> ISO alpha-2 (phonenumbers data)."""
    names: dict[str, str] = {}
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


# The concept rules (timeframe, size band, language) are not a fast path: since issue 9 they have one
# parser, imbuto.leads.parsing, which the reference calls too.
_size_band = parse_size_band


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
        band = _size_band(text)
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
