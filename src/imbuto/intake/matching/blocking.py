"""Blocking keys: short strings stored in intake.MatchKey and looked up with key__in for a whole batch.

A record gets several keys so that a typo in one field still meets its duplicate through another:
exact identity keys (email, phone, VAT id, tax code) and fuzzy ones built from phonetic codes of the
names combined with one piece of the address, plus address-only and company keys. Only candidates
sharing at least one key are ever scored.
"""

from __future__ import annotations

from typing import Any

from .compare import Prepared, prepare, street_stem
from .text import phonetic

MAX_KEY_LENGTH = 120
EXACT_PREFIXES = ("e:", "p:", "v:", "t:")


def is_exact(key: str) -> bool:
    """Keys that identify a lead on their own (same email, phone, VAT id or tax code)."""
    return key.startswith(EXACT_PREFIXES)


def _person_keys(p: Prepared, out: set[str]) -> None:
    first = phonetic(p.first) if p.first else ""
    last = phonetic(p.last) if p.last else ""
    city = phonetic(p.city) if p.city else ""
    for code, other_initial in ((first, p.last[:1]), (last, p.first[:1])):
        if not code:
            continue
        if city:
            out.add(f"nc:{code}:{city}")
        if other_initial:
            out.add(f"ni:{code}:{other_initial}")
        if p.domain:
            out.add(f"nd:{code}:{p.domain[:90]}")
    if p.company:  # the firm alone: a contact's record meets its organisation's record
        out.add("c:" + p.company_words[:100])
    if first and last:
        out.add(f"nn:{first}:{last}" if first <= last else f"nn:{last}:{first}")
    _address_keys(p, out)


def _address_keys(p: Prepared, out: set[str]) -> None:
    """The building (house number with the street stem or the postcode) and the street in its postcode
    or town: people and organisations alike (two spellings of one site share them)."""
    house = p.house.rstrip("abcdefghijklmnopqrstuvwxyz")  # "12", "12a" and "12bis": one building
    if p.street:
        stem = street_stem(p)
        if house:
            out.add(f"as:{house[:10]}:{stem}")
        if p.postal:
            out.add(f"ap:{p.postal[:20]}:{stem}")
    if house and p.postal:
        out.add(f"ah:{p.postal[:20]}:{house[:10]}")


def _company_keys(p: Prepared, out: set[str]) -> None:
    if p.company:
        out.add("c:" + p.company_words[:100])
        words = sorted(set(p.company_words.split()), key=lambda w: (-len(w), w))
        for word in words[:3]:
            if len(word) >= 3:
                out.add("cw:" + phonetic(word))
    if p.domain:
        out.add("d:" + p.domain[:110])
    _address_keys(p, out)


def keys_for(p: Prepared) -> set[str]:
    """Blocking keys (each <= 120 chars) of a prepared record."""
    out: set[str] = set()
    if p.email:
        out.add("e:" + p.email[:MAX_KEY_LENGTH - 2])
    if p.phone:
        out.add("p:" + p.phone[:40])
    if len(p.phone_digits) >= 6 and (not p.phone or not p.is_person):
        # a number that could not be normalised (no area code), and an organisation's number, which such
        # a number may be: the last digits find each other
        out.add("pl:" + p.phone_digits[-7:])
    if p.vat:
        out.add("v:" + p.vat[:40])
    if p.tax:
        out.add("t:" + p.tax[:40])
    if p.is_person:
        _person_keys(p, out)
    else:
        _company_keys(p, out)
    return out


def blocking_keys(values: dict[str, Any]) -> set[str]:
    """Blocking keys (each <= 120 chars) of a matcher record: normalised values plus match keys."""
    return keys_for(prepare(values))
