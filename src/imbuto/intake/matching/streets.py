"""Street lines as data: abbreviations per country, house numbers with "/A", "bis" and "snc".

`split_street("V.le G. Mazzini, 12/A", "IT")` -> ("12a", "viale g mazzini"). The tables are plain data
(folded abbreviation -> folded full word); add a country by adding a table. A record without a known
country uses every table (their entries do not conflict).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .text import fold

ABBREVIATIONS: dict[str, dict[str, str]] = {
    "IT": {
        "v": "via", "vle": "viale", "pza": "piazza", "pzza": "piazza", "p zza": "piazza", "pzle": "piazzale",
        "cso": "corso", "c so": "corso", "lgo": "largo", "l go": "largo", "str": "strada", "loc": "localita",
        "ss": "strada statale", "sp": "strada provinciale", "sr": "strada regionale", "fraz": "frazione",
        "vc": "vicolo", "vco": "vicolo", "trav": "traversa", "lungot": "lungotevere", "bgo": "borgo",
        "c da": "contrada", "cda": "contrada", "sal": "salita", "pta": "porta",
    },
    "EN": {
        "st": "street", "str": "street", "ave": "avenue", "av": "avenue", "blvd": "boulevard",
        "blv": "boulevard", "bd": "boulevard", "rd": "road", "dr": "drive", "ln": "lane", "pl": "place",
        "ct": "court", "hwy": "highway", "pkwy": "parkway", "sq": "square", "ter": "terrace",
        "cres": "crescent", "w": "west", "e": "east", "n": "north", "s": "south", "ne": "northeast",
        "nw": "northwest", "se": "southeast", "sw": "southwest", "ft": "fort", "mt": "mount",
        "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
        "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th", "eleventh": "11th",
        "twelfth": "12th",
    },
}
# Countries whose street lines use a table; others (and no country) use all of them.
COUNTRY_TABLE = {"IT": "IT", "SM": "IT", "VA": "IT", "CH": "IT", "US": "EN", "GB": "EN", "IE": "EN",
                 "AU": "EN", "NZ": "EN", "CA": "EN"}
# Words meaning "no house number" (senza numero civico).
NO_NUMBER = frozenset({"snc", "sn"})
HOUSE_SUFFIXES = frozenset({"bis", "ter", "quater"})
CROSS_STREETS = ("between", "angolo")

_DOTTED = re.compile(r"\b([a-z])\.(?=[a-z])")           # "p.zza" -> "pzza", "s.s." -> "ss."
_TOKEN = re.compile(r"[0-9a-z]+")
_NUMBER = re.compile(r"^(\d+)([a-z]?)$")


@lru_cache(maxsize=64)
def _table(country: str) -> dict[str, str]:
    name = COUNTRY_TABLE.get(country)
    if name:
        return ABBREVIATIONS[name]
    merged: dict[str, str] = {}
    for table in ABBREVIATIONS.values():
        for short, full in table.items():
            merged.setdefault(short, full)
    return merged


@lru_cache(maxsize=16_384)
def split_street(street: str, country: str = "") -> tuple[str, str]:
    """(house number, normalised street words) of a street line; the number is digits plus an optional
    letter or bis/ter ("12/A" -> "12a", "12 bis" -> "12bis"), "" for "snc" or no number."""
    text = fold(street)
    text = _DOTTED.sub(r"\1", _DOTTED.sub(r"\1", text))
    tokens = _TOKEN.findall(text)
    for stop in CROSS_STREETS:  # "747 9th Ave. between 50th and 51st Sts.": the rest is directions
        if stop in tokens[1:]:
            tokens = tokens[:tokens.index(stop, 1)]
    house = ""
    for pos in (0, *range(len(tokens) - 1, 0, -1)):
        if pos >= len(tokens):
            break
        match = _NUMBER.match(tokens[pos])
        if not match:
            continue
        suffix = match.group(2)
        taken = 1
        nxt = tokens[pos + 1] if pos + 1 < len(tokens) else ""
        if not suffix and (nxt in HOUSE_SUFFIXES or (len(nxt) == 1 and nxt.isalpha()
                                                     and pos + 2 >= len(tokens))):
            suffix, taken = nxt, 2
        if pos == 0 or pos + taken >= len(tokens) or tokens[pos + taken] in NO_NUMBER:
            house = match.group(1) + suffix
            del tokens[pos:pos + taken]
            break
    table = _table(country)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        pair = f"{tok} {tokens[i + 1]}" if i + 1 < len(tokens) else ""
        if pair in table:
            out.append(table[pair])
            i += 2
            continue
        if tok not in NO_NUMBER:
            out.append(table.get(tok, tok))
        i += 1
    return house, " ".join(out)


def same_building(a: str, b: str) -> bool | None:
    """House numbers: True same, False clearly different, None not comparable. "12" and "12a" are the
    same building when only one side has the letter (a source left it out)."""
    if not a or not b:
        return None
    if a == b:
        return True
    base_a, base_b = a.rstrip("abcdefghijklmnopqrstuvwxyz"), b.rstrip("abcdefghijklmnopqrstuvwxyz")
    if base_a != base_b:
        return False
    return base_a == a or base_b == b
