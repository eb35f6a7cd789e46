"""Valid-looking identifiers for demo data: VAT ids with correct check digits, phones in E.164.

Check digits are found by trying the few possible values against python-stdnum's own validator, so
every id the demo writes is one that stdnum (and therefore intake's normaliser) accepts.
"""

from __future__ import annotations

import random
import re
import string
import unicodedata
from collections.abc import Callable
from functools import cache

import phonenumbers
from stdnum import luhn
from stdnum.eu import vat as eu_vat
from stdnum.iso7064 import mod_11_10

DIGITS = string.digits


def _digits(rng: random.Random, n: int, first_nonzero: bool = False) -> str:
    out = "".join(rng.choice(DIGITS) for _ in range(n))
    if first_nonzero and out[0] == "0":
        out = str(rng.randint(1, 9)) + out[1:]
    return out


def _complete(base: str, suffix: str, candidates: str | list[str], valid: Callable[[str], bool]) -> str:
    for c in candidates:
        if valid(base + c + suffix):
            return base + c + suffix
    return ""


def _it(rng: random.Random) -> str:
    # 7-digit company number, a provincial office code 001-100, one Luhn check digit
    base = _digits(rng, 7, first_nonzero=True) + f"{rng.randint(1, 100):03d}"
    return "IT" + base + luhn.calc_check_digit(base)


def _de(rng: random.Random) -> str:
    base = _digits(rng, 8, first_nonzero=True)
    return "DE" + base + mod_11_10.calc_check_digit(base)


def _fr(rng: random.Random) -> str:
    from stdnum.fr import siren

    s = _complete(_digits(rng, 8, first_nonzero=True), "", DIGITS, siren.is_valid)
    key = (12 + 3 * (int(s) % 97)) % 97
    return f"FR{key:02d}{s}"


def _es(rng: random.Random) -> str:
    base = rng.choice("AB") + _digits(rng, 7, first_nonzero=True)
    return _complete("ES" + base, "", DIGITS + "ABCDEFGHIJ", eu_vat.is_valid)


def _nl(rng: random.Random) -> str:
    return _complete("NL" + _digits(rng, 8, first_nonzero=True), "B01", DIGITS, eu_vat.is_valid)


def _be(rng: random.Random) -> str:
    body = "0" + _digits(rng, 7, first_nonzero=True)
    return f"BE{body}{97 - int(body) % 97:02d}"


def _at(rng: random.Random) -> str:
    return _complete("ATU" + _digits(rng, 7, first_nonzero=True), "", DIGITS, eu_vat.is_valid)


VAT_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "IT": _it, "DE": _de, "FR": _fr, "ES": _es, "NL": _nl, "BE": _be, "AT": _at,
}


def vat_id(rng: random.Random, country: str) -> str:
    """A VAT id with its country prefix that stdnum accepts, or "" where the country has none here."""
    maker = VAT_MAKERS.get(country)
    for _ in range(20 if maker else 0):  # a few bases have no valid check digit: draw another
        if number := maker(rng):
            return number
    return ""


@cache
def _templates(region: str) -> list[str]:
    out = []
    for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            out.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))
    return out


def phone(rng: random.Random, region: str, mobile: bool = True) -> str:
    """An E.164 number that phonenumbers considers valid: the region's example with random tail digits."""
    templates = _templates(region)
    template = templates[0 if mobile or len(templates) == 1 else 1]
    # keep "+", the country code and the first national digit (mobile or geographic prefix)
    keep = len(str(phonenumbers.parse(template).country_code)) + 2
    for _ in range(40):
        candidate = template[:keep] + _digits(rng, len(template) - keep)
        if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
            return candidate
    return template


def ascii_slug(text: str, sep: str = "") -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", sep, text).strip(sep)
