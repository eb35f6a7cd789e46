"""One parser per lead concept: purchase timeframe, company size band, language, yes/no, dates.

Every way in (API, batch, import, web form, chat, the lead form) reads these concepts through these
functions, so "1-3 months" or "subito" means the same thing wherever it is typed. Each parser takes
text as a person typed it (Italian or English) and answers the stored value, or None when it does not
understand: the caller decides whether that is a quality flag, a question asked again or an error.
Countries are read by intake.normalize.normalize_country, the one country parser.

Pure functions, cached: intake calls them once per row of million-row imports.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from django.utils import timezone
from django.utils.dateparse import parse_datetime

__all__ = ["fold", "parse_language", "parse_size_band", "parse_timeframe", "parse_when", "parse_yes_no"]

_NOT_WORD = re.compile(r"[^a-z0-9'+]+")


def fold(text: str) -> str:
    """Lower case, no accents, punctuation as single spaces: 'Più  avanti!' -> 'piu avanti'."""
    text = text.replace("’", "'").casefold()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", text).strip()


# --- purchase timeframe ----------------------------------------------------------------------------
_TIMEFRAME_WORDS = {
    "immediate": ("immediate", "immediately", "now", "asap", "urgent", "subito", "immediato", "urgente",
                  "this month", "questo mese", "0-1 months", "0-1 mesi", "entro 1 mese", "within 1 month",
                  "right away"),
    "within_2_months": ("within_2_months", "within 2 months", "1-2 months", "1-3 months", "entro 2 mesi",
                        "1-2 mesi", "1-3 mesi", "entro due mesi", "next month", "prossimo mese", "soon",
                        "a breve"),
    "later": ("later", "3-6 months", "6-12 months", "6 months", "next year", "more than 2 months",
              "oltre 2 mesi", "3-6 mesi", "6-12 mesi", "prossimo anno", "in futuro", "future",
              "più avanti"),
    "unknown": ("unknown", "not sure", "don't know", "non so", "non definito", "n/a", "nd", "n.d."),
}
_TIMEFRAME_EXACT = {fold(word): value for value, words in _TIMEFRAME_WORDS.items() for word in words}
# Free answers ("in 6 weeks", "tra tre mesi", "al più presto"): a period, else key words.
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "twelve": 12, "un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5,
                 "sei": 6, "dodici": 12, "couple": 2, "paio": 2, "few": 3}
_PERIOD = re.compile(r"\b(\d+|[a-z]+) (?:di )?(day|days|week|weeks|month|months|year|years|"
                     r"giorn[oi]|settiman[ae]|mes[ei]|ann[oi])\b")
_UNIT_DAYS = {"d": 1, "g": 1, "w": 7, "s": 7, "m": 30, "y": 365, "a": 365}
_UNKNOWN = tuple(fold(w) for w in (
    "don't know", "dont know", "not sure", "no idea", "unknown", "dunno", "depends", "non so",
    "non lo so", "boh", "dipende", "forse", "vedremo"))
_NOW = tuple(fold(w) for w in (
    "now", "asap", "immediately", "right away", "today", "urgent", "this week", "as soon as", "subito",
    "adesso", "ora", "oggi", "immediatamente", "urgente", "questa settimana", "prima possibile",
    "al più presto", "appena possibile"))
_SOON = tuple(fold(w) for w in ("next month", "this month", "few weeks", "prossimo mese", "questo mese",
                                "qualche settimana"))
_LATER = tuple(fold(w) for w in (
    "later", "next year", "not yet", "future", "some day", "someday", "più avanti", "in futuro",
    "prossimo anno", "l'anno prossimo", "non ancora", "tra un po"))


@lru_cache(maxsize=2048)
def parse_timeframe(text: str) -> str | None:
    """When someone wants to buy -> immediate | within_2_months | later | unknown; None when the text
    says nothing about it. '1-3 months' and 'entro 2 mesi' -> within_2_months, 'subito' -> immediate,
    'in 6 weeks' -> within_2_months, 'tra tre mesi' -> later, 'non lo so' -> unknown."""
    key = fold(text)
    if not key:
        return None
    exact = _TIMEFRAME_EXACT.get(key)
    if exact is not None:
        return exact
    padded = f" {key} "
    if any(word in padded for word in _UNKNOWN):
        return "unknown"
    for match in _PERIOD.finditer(key):
        raw, unit = match.groups()
        n = int(raw[:6]) if raw.isdigit() else _NUMBER_WORDS.get(raw)
        if n is None:
            continue
        days = n * _UNIT_DAYS[unit[0]]
        return "immediate" if days <= 7 else "within_2_months" if days <= 62 else "later"
    if any(f" {word} " in padded or (len(word) > 4 and word in key) for word in _NOW):
        return "immediate"
    if any(word in key for word in _SOON):
        return "within_2_months"
    if any(word in key for word in _LATER):
        return "later"
    return None


# --- company size band -----------------------------------------------------------------------------
_BANDS = ("1-9", "10-49", "50-249", "250+")
_FIRST_NUMBER = re.compile(r"[0-9][0-9.,]*")


@lru_cache(maxsize=1024)
def parse_size_band(text: str) -> str | None:
    """'120', '50-249', '11-50 employees', '1.000' -> the size band (1-9, 10-49, 50-249, 250+); the
    first number decides; None without a number."""
    compact = text.replace(" ", "").replace("–", "-").replace("—", "-")
    if compact in _BANDS:
        return compact
    match = _FIRST_NUMBER.search(compact)
    if not match:
        return None
    digits = re.sub(r"[.,]", "", match.group())[:9]
    number = int(digits)
    return "1-9" if number < 10 else "10-49" if number < 50 else "50-249" if number < 250 else "250+"


# --- language --------------------------------------------------------------------------------------
_LANGUAGES = {"italiano": "it", "italian": "it", "english": "en", "inglese": "en", "deutsch": "de",
              "german": "de", "tedesco": "de", "français": "fr", "french": "fr", "francese": "fr",
              "español": "es", "spanish": "es", "spagnolo": "es"}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,4})?$")


@lru_cache(maxsize=256)
def parse_language(text: str) -> str | None:
    """'Italiano', 'english', 'it', 'en_GB' -> it, en, it, en-gb; None when it is not a language."""
    code = _LANGUAGES.get(text.casefold(), text.lower().replace("_", "-"))
    return code[:8] if _LANGUAGE_CODE.match(code) else None


# --- yes / no --------------------------------------------------------------------------------------
_YES = frozenset(fold(w) for w in (
    "1", "on", "true", "yes", "y", "ok", "okay", "sure", "agree", "i agree", "of course", "yes i agree",
    "si", "sì", "certo", "va bene", "accetto", "acconsento", "d'accordo", "daccordo", "sì acconsento"))
_NO = frozenset(fold(w) for w in (
    "0", "off", "false", "no", "n", "nope", "no thanks", "no grazie", "non acconsento", "rifiuto",
    "i don't agree"))


def parse_yes_no(value: object) -> bool | None:
    """A checkbox, a JSON boolean or a typed answer ('Sì, acconsento', 'no grazie') -> True or False;
    None when it is neither (a chat asks again, a form treats it as not given)."""
    if isinstance(value, bool):
        return value
    key = fold(str(value or ""))
    return True if key in _YES else False if key in _NO else None


# --- dates -----------------------------------------------------------------------------------------
def parse_when(text: str) -> dt.datetime | None:
    """An ISO 8601 date-time or date -> an aware datetime (the current time zone when none is given);
    None when it is not one."""
    try:
        value = parse_datetime(text)
        if value is None:
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
    except ValueError:
        return None
    # In UTC: RFC 3339 allows offsets up to +-23:59, PostgreSQL only up to +-15:59.
    return timezone.make_aware(value) if timezone.is_naive(value) else value.astimezone(dt.UTC)
