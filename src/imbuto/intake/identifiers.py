"""Identifiers in a raw record: email, phone, VAT id and codice fiscale, website and domain.

Each parser is total (hostile input gives a value and maybe a problem, never an exception) and keeps
an invalid value as typed with the problem beside it; `normalize.normalize_record` calls them.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import email_validator
import email_validator.syntax
import phonenumbers
import tldextract
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES
from phonenumbers.phonemetadata import PhoneMetadata
from stdnum.eu import vat as eu_vat
from stdnum.it import codicefiscale, iva
from stdnum.util import get_cc_module


def _wordlist(text: str) -> list[str]:
    return text.split()


# Control characters, zero-width marks, and lone surrogates (not encodable, e.g. from a broken file decode).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2028\u2029\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


def clean_text(value: Any, max_length: int = 1000) -> str:
    """Any input as one tidy line of text: NFC, no control characters, single spaces, stripped."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    value = value[: max_length * 4 + 64]
    if value.isascii() and value.isprintable():
        # NFC and the control-character filter leave printable ASCII alone, and its only space is " "
        return value.strip() if "  " not in value else _SPACES.sub(" ", value).strip()
    value = _CONTROL.sub("", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", value).strip()




_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*)>")
# Plain addresses: one @, no quotes, angle brackets or backslashes, and an ASCII host name. Only these
# take the fast path (email-validator splits them at the @ like str.partition does).
_PLAIN_EMAIL = re.compile(r'([^"<>\\@]+)@([A-Za-z0-9.\-]+)')
_SHAPE_OF = str.maketrans(string.ascii_letters + string.digits, "a" * 52 + "0" * 10)


def _email_library(candidate: str) -> str | None:
    """The normalised address per email-validator (None when invalid): the reference the fast path equals."""
    try:
        result = email_validator.validate_email(candidate, check_deliverability=False,
                                                 allow_smtputf8=True, allow_quoted_local=False)
    except Exception:
        return None
    return result.normalized


def _domain_shape(domain: str) -> str:
    """The host name with the letters of every hyphen-free label but the last turned into "a" and its
    digits into "0". email-validator treats ASCII letters alike and digits alike in such labels (checked
    by tests/intake/test_normalize_fast.py), so one verdict serves every host of the same shape; hyphenated
    labels ("xn--", "ab--") and the top-level label, which its rules look at, stay as typed."""
    head, dot, last = domain.rpartition(".")
    if not dot:
        return domain
    if "-" not in head:
        return head.translate(_SHAPE_OF) + "." + last
    labels = [label if "-" in label else label.translate(_SHAPE_OF) for label in head.split(".")]
    return ".".join(labels) + "." + last


@lru_cache(maxsize=4096)
def _domain_verdict(shape: str, test_environment: bool, globally_deliverable: bool) -> bool | None:
    """email-validator's verdict on a host of this shape: True valid (normalised = lower-cased), False
    invalid, None when the library's output is not the lower-cased host (IDNA): no fast path then."""
    try:
        info = email_validator.syntax.validate_email_domain_name(
            shape, test_environment=test_environment, globally_deliverable=globally_deliverable)
    except email_validator.EmailNotValidError:
        return False
    except Exception:
        return None
    lowered = shape.lower()
    return True if info["domain"] == lowered and info["ascii_domain"] == lowered else None


def _email_fast(candidate: str) -> str | None | bool:
    """validate_email's result (normalised address, None when invalid) for a plain address, from the
    library's own local-part, domain and length checks with the domain verdict cached by shape; False
    when the address is not plain (the caller then asks validate_email itself)."""
    match = _PLAIN_EMAIL.fullmatch(candidate)
    if match is None:
        return False
    settings = email_validator
    if settings.ALLOW_DISPLAY_NAME or settings.ALLOW_EMPTY_LOCAL or settings.STRICT:
        return False  # never set by Imbuto; the plain library call handles them
    local, domain = match.groups()
    verdict = _domain_verdict(_domain_shape(domain), settings.TEST_ENVIRONMENT, settings.GLOBALLY_DELIVERABLE)
    if verdict is None:
        return False
    try:
        info = email_validator.syntax.validate_email_local_part(
            local, allow_smtputf8=True, allow_empty_local=False, quoted_local_part=False, strict=False)
        if not local.isascii():
            composed = unicodedata.normalize("NFC", local)
            if composed != local:  # validate_email checks the NFC form too, and keeps it
                info = email_validator.syntax.validate_email_local_part(
                    composed, allow_smtputf8=True, allow_empty_local=False, quoted_local_part=False,
                    strict=False)
    except email_validator.EmailNotValidError:
        return None
    except Exception:
        return False
    if not verdict:
        return None
    result = email_validator.ValidatedEmail()
    result.original = candidate
    result.smtputf8 = info["smtputf8"]
    local_part, ascii_local_part = info["local_part"], info["ascii_local_part"]
    if (ascii_local_part is not None and local_part is not None
            and ascii_local_part.lower() in CASE_INSENSITIVE_MAILBOX_NAMES):
        ascii_local_part, local_part = ascii_local_part.lower(), local_part.lower()
    result.local_part, result.ascii_local_part = local_part, ascii_local_part
    result.domain = result.ascii_domain = domain.lower()
    result.normalized = local_part + "@" + result.domain
    result.ascii_email = ascii_local_part + "@" + result.ascii_domain if ascii_local_part else None
    try:
        email_validator.syntax.validate_email_length(result)
    except email_validator.EmailNotValidError:
        return None
    except Exception:
        return False
    return result.normalized


def normalize_email(value: str) -> tuple[str, str | None]:
    """(email, problem). Syntax check without network; domain lower-cased; the key is all lower-case."""
    text = clean_text(value, 254)
    if not text:
        return "", None
    angle = _ANGLE.search(text)
    candidate = _MAILTO.sub("", angle.group(1) if angle else text).strip().strip(".,;")
    normalized = _email_fast(candidate)
    if normalized is False:
        normalized = _email_library(candidate)
    if normalized is None:
        return text[:254], "invalid email address"
    return normalized[:254], None


# --- phone -------------------------------------------------------------------------------------------
def normalize_phone(value: str, region: str = "IT") -> tuple[str, str | None]:
    """(E.164 number, problem). A number without country code takes `region` (the record's country)."""
    text = clean_text(value, 40)
    if not text:
        return "", None
    if region.__class__ is str:
        return _phone(text, (region or "IT").upper())  # a switchboard number repeats for a firm's contacts
    try:
        code = (region or "IT").upper()
    except Exception:
        return text[:40], "invalid phone number"
    return _phone(text, code) if code.__class__ is str else _phone_text(text, code)


@lru_cache(maxsize=8192)
def _phone(text: str, region: str) -> tuple[str, str | None]:
    return _phone_text(text, region)


def _phone_text(text: str, region: Any) -> tuple[str, str | None]:
    try:
        number = phonenumbers.parse(text[:100], region)
        valid = _valid_number(number)
    except Exception:  # NumberParseException and friends: kept as typed below
        valid = False
    if valid:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None
    return text[:40], "invalid phone number"


def _valid_number(number: phonenumbers.PhoneNumber) -> bool:
    """phonenumbers.is_valid_number without its second type detection for a shared calling code (+39:
    IT and VA): when the code's main region has no leading-digits rule and the number is valid for it,
    region_code_for_number picks that region and is_valid_number answers True."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code)
    if regions is not None and len(regions) > 1:
        metadata = PhoneMetadata.metadata_for_region(regions[0], None)
        if (metadata is not None and metadata.leading_digits is None
                and phonenumbers.is_valid_number_for_region(number, regions[0])):
            return True
    return phonenumbers.is_valid_number(number)


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


@lru_cache(maxsize=16_384)
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
