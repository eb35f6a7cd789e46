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

from .frequency import MIN_RECORDS, Frequencies
from .streets import same_building, split_street
from .text import MAX_KEY_INPUT, company_tokens, fold, town_words, vat_key


def _wordlist(text: str) -> list[str]:
    return text.split()

_NON_ALNUM = re.compile(r"[^0-9a-z]+")

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
    "phone": {"eq": 5.0, "hi": 3.5, "no": -0.5},
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
    phone_digits: str = ""
    town: frozenset[str] = frozenset()  # the town's words: a qualifier when a name repeats them

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


_STREET_TYPES = frozenset(_wordlist("""via viale v piazza piazzale pza pzza p zza corso c so largo vicolo vico
    strada str contrada statale provinciale
    localita loc frazione fraz borgo canale rotonda incrocio stretto traversa salita calle
    street st road rd avenue ave av lane ln drive dr place pl court ct crescent cres boulevard blvd way
    close terrace tce parade highway hwy north south east west
    strasse platz weg gasse allee rue chemin boulevard avenida plaza paseo rua"""))


_FIELDS = ("first_name", "last_name", "street", "postal_code", "city", "region", "email", "phone", "vat_id",
           "tax_code", "domain", "company_key", "company_name", "phone_local", "country")
_EMPTY = ("",) * len(_FIELDS)
_DIGITS = re.compile(r"\D+")
STORED_CACHE = 16_384  # existing leads' folded records kept (prepare_stored): about 25 MB


def phone_digits(phone: str) -> str:
    """The digits of a phone number, at most the last 9 (local numbers lack the country and area code)."""
    digits = _DIGITS.sub("", phone) if phone else ""
    return digits[-9:] if len(digits) >= 6 else ""


def _values_of(record: dict[str, Any]) -> tuple[str, ...]:
    values = tuple(map(record.get, _FIELDS, _EMPTY))
    for value in values:
        if value.__class__ is not str:  # None, numbers, ...: the field counts as empty
            return tuple(v if v.__class__ is str else "" for v in values)
    return values


def prepare(record: dict[str, Any]) -> Prepared:
    """Fold the fields of a matcher record (normalised values plus keys) once."""
    return _prepare_values(_values_of(record))


def prepare_stored(record: dict[str, Any]) -> Prepared:
    """prepare() of an existing lead's record, remembered by its values: the same leads are candidates of
    batch after batch of an import. Keyed on every value prepare() reads (a Prepared is never changed),
    so an edited lead is simply folded again."""
    return _prepare_remembered(_values_of(record))


def _prepare_values(values: tuple[str, ...]) -> Prepared:
    (first, last, street, postal, city, region, email, phone, vat, tax, domain, company,
     company_name, phone_local, country) = values
    house = street_squashed = ""
    if street:
        house, street, street_squashed = _street_parts(street[:300], country)
    if not company and company_name:
        company = " ".join(company_tokens(company_name))
    squash = _squash
    return Prepared(
        first=squash(first), last=squash(last), house=house, street=street_squashed,
        street_words=street, postal=squash(postal), city=squash(city), region=squash(region),
        email=email.lower() if "@" in email else "", phone=phone, vat=vat_key(vat) if vat else "",
        tax=tax.upper(), domain=domain.lower(), company=company.replace(" ", ""), company_words=company,
        phone_digits=phone_digits(phone or phone_local), town=town_words(city),
    )


_prepare_remembered = lru_cache(maxsize=STORED_CACHE)(_prepare_values)


def counted_values(company_key: str, company_name: str, city: str, postal: str, street: str, region: str,
                   country: str) -> tuple[str, str, str, str, str]:
    """(company_words, city, postal, street, region) exactly as prepare() folds them, for
    frequency.Frequencies.add: counting a sample of leads need not fold their names, phones and ids."""
    if street:
        street = _street_parts(street[:300], country)[2]
    if not company_key and company_name:
        company_key = " ".join(company_tokens(company_name))
    return company_key, _squash(city), _squash(postal), street, _squash(region)


@lru_cache(maxsize=16_384)
def _street_parts(street: str, country: str = "") -> tuple[str, str, str]:
    """(house number, street words, street without spaces) of a street line, computed once per line;
    abbreviations expanded per country (streets.py)."""
    house, words = split_street(street, country)
    return house, words, words.replace(" ", "")


@lru_cache(maxsize=16_384)
def _street_name(words: str) -> str:
    return " ".join(w for w in words.split() if w not in _STREET_TYPES) or words


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
    building = same_building(a.house, b.house)
    if building is not None:
        out["house_number"] = "eq" if building else "no"
    if a.street and b.street:
        if a.street == b.street:
            out["street"] = "eq"
        else:
            sim = Indel.normalized_similarity(a.street, b.street)
            if sim < 0.92:  # word order and extra words, the street type ("street", "via") left out
                sim = max(sim, fuzz.token_set_ratio(_street_name(a.street_words),
                                                    _street_name(b.street_words)) / 100.0)
            out["street"] = level(sim)
    if a.postal and b.postal:
        distance = Levenshtein.distance(a.postal, b.postal, score_cutoff=2)
        out["postal_code"] = "eq" if distance == 0 else "hi" if distance == 1 else "no"
    if a.city and b.city:
        out["city"] = "eq" if a.city == b.city else level(JaroWinkler.similarity(a.city, b.city))
    if a.region and b.region:
        out["region"] = "eq" if a.region == b.region else "no"


_DIGIT_RUN = re.compile(r"\d+")


def _numbers_differ(a: str, b: str) -> bool:
    """Two names that differ in their numbers ("Company 12" / "Company 13") name different things."""
    search = _DIGIT_RUN.search
    if search(a) is None and search(b) is None:
        return False
    return _DIGIT_RUN.findall(a) != _DIGIT_RUN.findall(b)


def company_similarity(a: str, b: str, a_words: str = "", b_words: str = "",
                       freq: Frequencies | None = None, towns: tuple[frozenset[str], ...] = ()) -> float:
    """0..1 similarity of two company keys: Jaro-Winkler of the squashed keys or the word-order-free
    ratio, whichever is higher. Not a word-subset ratio: "DSM" and "DSM IP Assets" are two firms.
    With word frequencies (`freq`), the rare-word similarity decides: agreeing rare words count,
    common ones ("Istituto", "Impianti") hardly; the records' towns named in a name (`towns`) are qualifiers
    (Frequencies.name_similarity). Names whose numbers differ are different."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if _numbers_differ(a, b):
        return 0.0
    if freq is not None:  # the rare-word similarity decides when it can: the others are not needed then
        rare = freq.name_similarity(a_words, b_words, towns)
        if rare is not None:
            return rare
    sim = JaroWinkler.similarity(a, b)
    if a_words and b_words and sim < 0.999:
        sim = max(sim, fuzz.token_sort_ratio(a_words, b_words) / 100.0)
    return sim


def _phone(a: Prepared, b: Prepared) -> str | None:
    """eq: same number; hi: one is the other without its country or area prefix (same last digits);
    no: different. A number that could not be normalised still compares by its digits."""
    if a.phone and a.phone == b.phone:
        return "eq"
    da, db = a.phone_digits, b.phone_digits
    if not da or not db:
        return None
    if da == db:
        return "eq"
    return "hi" if da.endswith(db) or db.endswith(da) else "no"


def compare(a: Prepared, b: Prepared, freq: Frequencies | None = None) -> dict[str, str]:
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
    phone = _phone(a, b)
    if phone is not None:
        out["phone"] = phone
    if a.vat and b.vat:
        out["vat_id"] = "eq" if a.vat == b.vat else "no"
    if a.tax and b.tax:
        out["tax_code"] = "eq" if a.tax == b.tax else "no"
    if a.domain and b.domain:
        out["domain"] = "eq" if a.domain == b.domain else "no"
    if a.company and b.company:
        out["company"] = level(company_similarity(a.company, b.company, a.company_words, b.company_words,
                                                  freq, (a.town, b.town)))
    return out


def _corroborated(levels: dict[str, str]) -> bool:
    """Something besides the names agrees: an exact key, the street, the house number with a similar
    street and the town, the postcode with the house number or the town, the company or the domain."""
    if levels.get("street") in ("eq", "hi"):
        return True
    if (levels.get("house_number") == "eq" and levels.get("street") == "mid"
            and levels.get("city") in ("eq", "hi")):
        return True  # the building and the town agree, the street with a typo or two
    if levels.get("postal_code") == "eq" and (
            levels.get("house_number") == "eq" or levels.get("city") in ("eq", "hi")):
        return True
    return any(levels.get(name) == "eq" for name in ("email", "phone", "vat_id", "tax_code", "domain")) or (
        levels.get("company") in ("eq", "hi"))


def _site_or_identity(levels: dict[str, str]) -> bool:
    """Something besides the names agrees: the street, the phone or an exact identity."""
    return levels.get("street") in ("eq", "hi") or levels.get("phone") in ("eq", "hi") or any(
        levels.get(name) == "eq" for name in ("email", "vat_id", "tax_code", "domain"))


# Conflicts that keep two organisation records apart (at most a possible duplicate): another building,
# another postcode, another VAT id, another web domain.
ORG_CONFLICTS = ("house_number", "postal_code", "vat_id", "domain")


def _names_differ_at_all(levels: dict[str, str]) -> bool:
    return any(levels.get(name, "eq") != "eq" for name in ("first_name", "last_name", "company"))


def cap(a: Prepared, b: Prepared, levels: dict[str, str]) -> str:
    """The most a pair may become whatever its score: "merge", "flag" or "new"."""
    email_equal = levels.get("email") == "eq"
    identity_differs = levels.get("email") == "no" or levels.get("vat_id") == "no"
    if not (a.is_person and b.is_person):
        # an organisation, or an organisation and a contact at it: compared on what they share
        company = levels.get("company")
        if company == "no" and not email_equal:
            return "new"  # another name at a shared address or switchboard: another organisation
        elsewhere = any(levels.get(name) == "no" for name in ("house_number", "postal_code", "street"))
        if elsewhere and levels.get("phone") == "no":
            return "new"  # another site with another number: a branch, not a duplicate
        if elsewhere or any(levels.get(name) == "no" for name in ORG_CONFLICTS):
            return "flag"
        if company is not None and company not in ("eq", "hi"):
            return "flag"  # a merge needs the names to agree
        if identity_differs and _names_differ_at_all(levels):
            return "flag"
        if a.is_person != b.is_person and not _site_or_identity(levels):
            return "flag"  # a contact and a firm of that name: the same only if something else agrees
        return "merge"
    names_differ = (levels.get("first_name") == "no") + (levels.get("last_name") == "no")
    if names_differ == 2:
        return "flag" if email_equal else "new"
    if names_differ == 1:
        return "flag"
    if identity_differs and _names_differ_at_all(levels):
        return "flag"
    if not _corroborated(levels):
        return "flag"
    return "merge"


# Fields whose agreement is worth less when its value is common (frequency.Frequencies.factor).
_VALUE_OF = {"city": "city", "postal_code": "postal", "street": "street", "region": "region"}


def _weights(a: Prepared, b: Prepared, levels: dict[str, str], freq: Frequencies | None,
             weights: dict[str, dict[str, float]] | None) -> dict[str, float]:
    table = weights or WEIGHTS
    org = not (a.is_person and b.is_person)
    out: dict[str, float] = {}
    for name, agreement in levels.items():
        if name == "swapped_names":
            out[name] = 0.0
            continue
        field_weights = table.get("company_only", COMPANY_ONLY_WEIGHTS) if name == "company" and org else (
            table.get(name) or WEIGHTS[name])
        weight = field_weights.get(agreement, 0.0)
        value_field = _VALUE_OF.get(name)
        if freq is not None and weight > 0 and value_field is not None:
            weight *= freq.factor(value_field, getattr(a, value_field))
        out[name] = weight
    return out


def _total(a: Prepared, b: Prepared, levels: dict[str, str], freq: Frequencies | None,
           weights: dict[str, dict[str, float]] | None) -> float:
    """sum(_weights(...).values()) without building the dict: judge() runs for every candidate pair, the
    reasons are wanted for the chosen one only. Summed by sum() over the same values in the same order
    (sum() compensates rounding: a running += would differ in the last bits)."""
    table = weights or WEIGHTS
    org = not ((a.first or a.last) and (b.first or b.last))
    counted = freq is not None and freq.total >= MIN_RECORDS  # below, every factor is 1.0
    parts: list[float] = []
    for name, agreement in levels.items():
        if name == "swapped_names":
            parts.append(0.0)
            continue
        field_weights = table.get("company_only", COMPANY_ONLY_WEIGHTS) if name == "company" and org else (
            table.get(name) or WEIGHTS[name])
        weight = field_weights.get(agreement, 0.0)
        if counted and weight > 0:
            value_field = _VALUE_OF.get(name)
            if value_field is not None:
                weight *= freq.factor(value_field, getattr(a, value_field))  # type: ignore[union-attr]
        parts.append(weight)
    return sum(parts)


def reasons_of(a: Prepared, b: Prepared, levels: dict[str, str], freq: Frequencies | None = None,
               weights: dict[str, dict[str, float]] | None = None) -> dict[str, float]:
    """Each compared field's contribution to the score (log-odds weight); swapped names noted as 0."""
    return _weights(a, b, levels, freq, weights)


def intercept(a: Prepared, b: Prepared, weights: dict[str, dict[str, float]] | None = None) -> float:
    table = (weights or WEIGHTS).get("intercept", {})
    if a.is_person and b.is_person:
        return table.get("person", INTERCEPT)
    return table.get("organisation", -1.0)  # an organisation needs its name, not just a shared city


def judge(a: Prepared, b: Prepared, freq: Frequencies | None = None,
          weights: dict[str, dict[str, float]] | None = None) -> tuple[float, str, dict[str, str]]:
    """(score 0..1, cap, agreement levels) of two prepared records; the hot path of match_batch."""
    levels = compare(a, b, freq)
    total = intercept(a, b, weights) + _total(a, b, levels, freq, weights)
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
