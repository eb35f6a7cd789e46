"""Pairwise comparison of two lead records: a log-odds sum of per-field agreement weights.

Each field is compared at a few agreement levels (equal, high, medium, low, different); each level adds
a weight, a missing value adds nothing. The person-name and address weights were fitted with a
logistic regression on FEBRL datasets 1 and 2 (febrl3 held out) and rounded to be monotone; the
weights of email, phone, VAT id, company and domain are set by hand (they are not in FEBRL).
Two product rules sit on top of the sum (see docs/matching.md):

* a different first name or last name never merges automatically (spouses, colleagues at one
  address): at most "possible duplicate"; both names different means new, unless the email is equal;
* names alone never merge automatically: some other identity field must agree too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel, JaroWinkler, Levenshtein

from .text import MAX_KEY_INPUT, company_tokens, fold, vat_key


def _wordlist(text: str) -> list[str]:
    return text.split()

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ALNUM_RUN = re.compile(r"[0-9a-z]+")
_HOUSE_NUMBER = re.compile(r"^\s*(\d+[a-z]?)\b[\s,]*(.*)$")
_HOUSE_NUMBER_END = re.compile(r"^(.*?)[\s,]+(\d+[a-z]?)\s*$")

INTERCEPT = 1.0
# field -> level -> weight (log-odds). Levels: eq >= .999 > hi >= .92 > mid >= .84 > lo >= .70 > no.
WEIGHTS: dict[str, dict[str, float]] = {
    "first_name": {"eq": 1.2, "hi": 0.9, "mid": 0.0, "lo": 0.0, "no": -1.8},
    "last_name": {"eq": 1.4, "hi": 1.3, "mid": 0.7, "lo": -0.4, "no": -2.1},
    "house_number": {"eq": 1.3, "no": -1.6},
    "street": {"eq": 2.1, "hi": 2.1, "mid": 0.8, "lo": 0.1, "no": -3.0},
    "postal_code": {"eq": 2.3, "hi": 0.0, "no": -1.6},
    "city": {"eq": 2.6, "hi": 1.7, "mid": 0.3, "lo": 0.1, "no": -2.2},
    "region": {"eq": 1.2, "no": -1.5},
    "email": {"eq": 9.0, "no": -2.5},
    "phone": {"eq": 5.0, "no": -0.5},
    "vat_id": {"eq": 3.0, "no": -3.0},
    "tax_code": {"eq": 6.0, "no": -3.0},
    "domain": {"eq": 1.0, "no": -1.0},
    "company": {"eq": 2.0, "hi": 1.5, "mid": 0.5, "lo": -0.5, "no": -2.5},
}
# For two organisation records (no person names) the company name carries the match.
COMPANY_ONLY_WEIGHTS: dict[str, float] = {"eq": 4.0, "hi": 3.5, "mid": 1.5, "lo": -2.0, "no": -5.0}


def level(similarity: float) -> str:
    """Agreement level of a 0..1 similarity."""
    if similarity >= 0.999:
        return "eq"
    if similarity >= 0.92:
        return "hi"
    if similarity >= 0.84:
        return "mid"
    if similarity >= 0.70:
        return "lo"
    return "no"


@dataclass(slots=True)
class Prepared:
    """A record folded once for many comparisons."""

    first: str
    last: str
    house: str
    street: str
    street_words: str
    postal: str
    city: str
    region: str
    email: str
    phone: str
    vat: str
    tax: str
    domain: str
    company: str
    company_words: str

    @property
    def is_person(self) -> bool:
        return bool(self.first or self.last)


def _squash(value: str) -> str:
    """Folded letters and digits only: "De Rossi" -> "derossi"."""
    if not value:
        return ""
    if value.isascii():  # fold() of ASCII text is its lower-case form
        folded = value[:MAX_KEY_INPUT].lower()
        return folded if folded.isalnum() else _NON_ALNUM.sub("", folded)
    folded = fold(value)
    return folded if folded.isalnum() and folded.isascii() else _NON_ALNUM.sub("", folded)


def _split_street(street: str) -> tuple[str, str]:
    """("12", "via roma") from "12 Via Roma" or "Via Roma, 12"."""
    folded = fold(street)
    match = _HOUSE_NUMBER.match(folded)
    if match:
        return match.group(1), match.group(2)
    match = _HOUSE_NUMBER_END.match(folded)
    if match:
        return match.group(2), match.group(1)
    return "", folded


_STREET_TYPES = frozenset(_wordlist("""via viale v piazza piazzale pza pzza p zza corso c so largo vicolo vico
    strada str contrada
    localita loc frazione fraz borgo canale rotonda incrocio stretto traversa salita calle
    street st road rd avenue ave av lane ln drive dr place pl court ct crescent cres boulevard blvd way
    close terrace tce parade highway hwy
    strasse platz weg gasse allee rue chemin boulevard avenida plaza paseo rua"""))


_FIELDS = ("first_name", "last_name", "street", "postal_code", "city", "region", "email", "phone", "vat_id",
           "tax_code", "domain", "company_key", "company_name")
_EMPTY = ("",) * len(_FIELDS)


def prepare(record: dict[str, Any]) -> Prepared:
    """Fold the fields of a matcher record (normalised values plus keys) once."""
    values = tuple(map(record.get, _FIELDS, _EMPTY))
    for value in values:
        if value.__class__ is not str:  # None, numbers, ...: the field counts as empty
            values = tuple(v if v.__class__ is str else "" for v in values)
            break
    (first, last, street, postal, city, region, email, phone, vat, tax, domain, company,
     company_name) = values
    house = street_squashed = ""
    if street:
        house, street, street_squashed = _street_parts(street[:300])
    if not company and company_name:
        company = " ".join(company_tokens(company_name))
    squash = _squash
    return Prepared(
        first=squash(first), last=squash(last), house=house, street=street_squashed,
        street_words=street, postal=squash(postal), city=squash(city), region=squash(region),
        email=email.lower() if "@" in email else "", phone=phone, vat=vat_key(vat) if vat else "",
        tax=tax.upper(), domain=domain.lower(), company=company.replace(" ", ""), company_words=company,
    )


@lru_cache(maxsize=16_384)
def _street_parts(street: str) -> tuple[str, str, str]:
    """(house number, street words, street without spaces) of a street line, computed once per line."""
    house, rest = _split_street(street)
    words = " ".join(_ALNUM_RUN.findall(rest))  # the runs _NON_ALNUM separates
    return house, words, words.replace(" ", "")


def street_stem(p: Prepared) -> str:
    """First letters of the street's name, skipping the street type ("Via", "Viale", "Street")."""
    for word in p.street_words.split():
        if word not in _STREET_TYPES and not word.isdigit():
            return word[:5]
    return p.street[:5]


def _names(a: Prepared, b: Prepared, out: dict[str, str]) -> None:
    """Compare first/last names, trying the swapped order too (FEBRL and real forms swap them)."""
    jw = JaroWinkler.similarity
    d1 = jw(a.first, b.first) if a.first and b.first else None
    d2 = jw(a.last, b.last) if a.last and b.last else None
    if (d1 is None or d1 < 0.999 or d2 is None or d2 < 0.999) and a.first and a.last and b.first and b.last:
        s1, s2 = jw(a.first, b.last), jw(a.last, b.first)
        if s1 + s2 > (d1 or 0.0) + (d2 or 0.0) + 0.1:
            d1, d2 = s1, s2
            out["swapped_names"] = "yes"
    if d1 is not None:
        out["first_name"] = level(d1)
    if d2 is not None:
        out["last_name"] = level(d2)


def _address(a: Prepared, b: Prepared, out: dict[str, str]) -> None:
    if a.house and b.house:
        out["house_number"] = "eq" if a.house == b.house else "no"
    if a.street and b.street:
        if a.street == b.street:
            out["street"] = "eq"
        else:
            sim = Indel.normalized_similarity(a.street, b.street)
            if sim < 0.92:
                sim = max(sim, fuzz.token_set_ratio(a.street_words, b.street_words) / 100.0)
            out["street"] = level(sim)
    if a.postal and b.postal:
        distance = Levenshtein.distance(a.postal, b.postal, score_cutoff=2)
        out["postal_code"] = "eq" if distance == 0 else "hi" if distance == 1 else "no"
    if a.city and b.city:
        out["city"] = "eq" if a.city == b.city else level(JaroWinkler.similarity(a.city, b.city))
    if a.region and b.region:
        out["region"] = "eq" if a.region == b.region else "no"


def company_similarity(a: str, b: str, a_words: str = "", b_words: str = "") -> float:
    """0..1 similarity of two company keys: Jaro-Winkler of the squashed keys or the word-order-free
    ratio, whichever is higher. Not a word-subset ratio: "DSM" and "DSM IP Assets" are two firms."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    sim = JaroWinkler.similarity(a, b)
    if a_words and b_words and sim < 0.999:
        sim = max(sim, fuzz.token_sort_ratio(a_words, b_words) / 100.0)
    return sim


def compare(a: Prepared, b: Prepared) -> dict[str, str]:
    """Agreement level per field present on both sides. Stops after the names when both differ and the
    email does not agree (such a pair can only be new)."""
    out: dict[str, str] = {}
    _names(a, b, out)
    if (out.get("first_name") == "no" and out.get("last_name") == "no"
            and not (a.email and a.email == b.email)):
        return out
    _address(a, b, out)
    if a.email and b.email:
        out["email"] = "eq" if a.email == b.email else "no"
    if a.phone and b.phone:
        out["phone"] = "eq" if a.phone == b.phone else "no"
    if a.vat and b.vat:
        out["vat_id"] = "eq" if a.vat == b.vat else "no"
    if a.tax and b.tax:
        out["tax_code"] = "eq" if a.tax == b.tax else "no"
    if a.domain and b.domain:
        out["domain"] = "eq" if a.domain == b.domain else "no"
    if a.company and b.company:
        out["company"] = level(company_similarity(a.company, b.company, a.company_words, b.company_words))
    return out


def _corroborated(levels: dict[str, str]) -> bool:
    """Something besides the names agrees: an exact key, the street, the postcode with the house number
    or the town, the company or the domain."""
    if levels.get("street") in ("eq", "hi"):
        return True
    if levels.get("postal_code") == "eq" and (
            levels.get("house_number") == "eq" or levels.get("city") in ("eq", "hi")):
        return True
    return any(levels.get(name) == "eq" for name in ("email", "phone", "vat_id", "tax_code", "domain")) or (
        levels.get("company") in ("eq", "hi"))


def cap(a: Prepared, b: Prepared, levels: dict[str, str]) -> str:
    """The most a pair may become whatever its score: "merge", "flag" or "new"."""
    email_equal = levels.get("email") == "eq"
    if a.is_person != b.is_person:
        return "flag" if email_equal or levels.get("company") in ("eq", "hi") else "new"
    names_differ = (levels.get("first_name") == "no") + (levels.get("last_name") == "no")
    if names_differ == 2:
        return "flag" if email_equal else "new"
    if names_differ == 1:
        return "flag"
    if a.is_person and not _corroborated(levels):
        return "flag"
    return "merge"


def reasons_of(a: Prepared, b: Prepared, levels: dict[str, str]) -> dict[str, float]:
    """Each compared field's contribution to the score (log-odds weight); swapped names noted as 0."""
    company_only = not a.is_person and not b.is_person
    reasons: dict[str, float] = {}
    for name, agreement in levels.items():
        if name == "swapped_names":
            reasons[name] = 0.0
        elif name == "company" and company_only:
            reasons[name] = COMPANY_ONLY_WEIGHTS[agreement]
        else:
            reasons[name] = WEIGHTS[name].get(agreement, 0.0)
    return reasons


def judge(a: Prepared, b: Prepared) -> tuple[float, str, dict[str, str]]:
    """(score 0..1, cap, agreement levels) of two prepared records; the hot path of match_batch."""
    levels = compare(a, b)
    company_only = not a.is_person and not b.is_person
    total = -1.0 if company_only else INTERCEPT  # an organisation needs its name, not just a shared city
    for name, agreement in levels.items():
        if name == "company" and company_only:
            total += COMPANY_ONLY_WEIGHTS[agreement]
        elif name != "swapped_names":
            total += WEIGHTS[name].get(agreement, 0.0)
    score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))
    return score, cap(a, b, levels), levels


def score_prepared(a: Prepared, b: Prepared) -> tuple[float, dict[str, float], str]:
    """(score 0..1, per-field weights, cap) of two prepared records."""
    score, pair_cap, levels = judge(a, b)
    return score, reasons_of(a, b, levels), pair_cap


def score_pair(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """How likely two matcher records are the same lead (0..1), and the weight of each field's agreement."""
    score, reasons, _ = score_prepared(prepare(a), prepare(b))
    return score, reasons
