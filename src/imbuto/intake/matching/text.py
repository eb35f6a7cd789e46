"""Text folding, phonetic codes and company-name keys shared by normalisation and matching.

Everything here is pure, total (never raises on any string) and cheap enough to run on every row of a
million-row import.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish


def _wordlist(text: str) -> list[str]:
    return text.split()

# Letters that NFKD does not decompose into a base letter plus accents.
_EXTRA_FOLD = str.maketrans({"ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ł": "l",
                             "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "ß": "ss"})
_WORD = re.compile(r"[^\W_]+|&", re.UNICODE)
MAX_KEY_INPUT = 2000
_NON_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)


def fold(value: str) -> str:
    """Lower-case, accent-free form for comparisons ("Müller-Lüdenscheidt" -> "muller-ludenscheidt")."""
    value = value[:MAX_KEY_INPUT]
    if value.isascii():
        return value.lower()
    if len(value) <= 200:
        return _fold_cached(value)  # accented names and towns repeat: decompose each once
    return _fold_unicode(value)


def _fold_unicode(value: str) -> str:
    value = value.translate(_EXTRA_FOLD)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


_fold_cached = lru_cache(maxsize=16_384)(_fold_unicode)


def words(value: str) -> list[str]:
    """Alphanumeric words of the folded text; punctuation separates words."""
    return [w for w in _WORD.findall(fold(value)) if w != "&"]


_NO_WORDS: frozenset[str] = frozenset()


def town_words(city: str) -> frozenset[str]:
    """The folded words of a town ("W. Hollywood" -> {"w", "hollywood"}), to spot it in a company name."""
    return _town_words(city[:200]) if city else _NO_WORDS


@lru_cache(maxsize=16_384)
def _town_words(city: str) -> frozenset[str]:
    return frozenset(words(city))


@lru_cache(maxsize=65_536)
def phonetic(word: str) -> str:
    """A short sound-alike code of one word (Metaphone), so "Smyth" and "Smith" share a key.

    Words without Latin letters keep their folded text (a code of nothing would put everyone in one
    block)."""
    folded = "".join(ch for ch in fold(word) if ch.isalnum())
    if not folded:
        return ""
    if folded.isdigit():
        return folded
    try:
        code = jellyfish.metaphone(folded).upper()
    except Exception:  # jellyfish rejects a few exotic code points
        code = ""
    return code[:12] if code else folded[:12]


# Legal forms, folded and with dots removed; runs of single letters are joined first (S.r.l. -> srl).
LEGAL_FORMS = frozenset(_wordlist("""
    srl srls spa sapa snc sas ss scarl scrl scpa sc soc coop societa
    gmbh mbh ag kg kgaa ohg ug gbr ev eg
    ltd limited inc incorporated llc llp lp plc corp corporation co company cie compagnie
    sa sarl sasu eurl sca sl slu sll sau
    bv nv cv vof bvba sprl scrl
    oy oyj ab as asa aps ans
    kft zrt nyrt sro spol doo dd ad ead ood
    pty pte bhd sdn kk gk lda ltda
"""))
_LEGAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(tuple(p.split()) for p in (
    "societa a responsabilita limitata semplificata", "societa a responsabilita limitata",
    "societa per azioni", "societa in nome collettivo", "societa in accomandita semplice",
    "societa in accomandita per azioni", "societa cooperativa", "societa semplice",
    "gesellschaft mit beschrankter haftung", "aktiengesellschaft", "kommanditgesellschaft",
    "naamloze vennootschap", "naamlooze vennootschap", "besloten vennootschap",
    "sociedad anonima", "sociedad limitada", "societe anonyme", "societe a responsabilite limitee",
    "societe par actions simplifiee", "public limited company", "limited liability company",
    "private limited", "sp zoo", "spolka z ograniczona odpowiedzialnoscia", "and company",
))
# Legal-form words that are also common words or initials: they do not end a name.
_AMBIGUOUS_FORMS = frozenset({"co", "as", "ad", "sc", "ss", "eg", "dd", "ab", "cv", "ev", "ug", "kk", "gk",
                              "lp", "ans", "soc", "coop", "societa", "company", "sl", "sa", "ag"})
_CONJUNCTIONS = frozenset({"and", "e", "et", "und", "y", "en"})
_AFTER_CONJUNCTION = frozenset({"c", "co", "cie", "figli", "figlio", "fratelli", "soehne", "sohne", "sons"})
_NOISE = frozenset({"the"})


def _join_initials(raw: list[str]) -> list[str]:
    """Join runs of single letters: ["s", "r", "l"] -> ["srl"], ["d", "s", "m", "ip"] -> ["dsm", "ip"]."""
    out: list[str] = []
    run: list[str] = []
    for tok in raw:
        if len(tok) == 1 and tok.isalpha():
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(tok)
    if run:
        out.append("".join(run))
    return out


# The legal phrases by their first word, in _LEGAL_PHRASES order (the first phrase that matches wins).
_PHRASES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(p for p in _LEGAL_PHRASES if p[0] == first)
    for first in dict.fromkeys(p[0] for p in _LEGAL_PHRASES)
}


def _drop_phrases(tokens: list[str]) -> list[str]:
    starts = _PHRASES_BY_FIRST
    if not any(tok in starts for tok in tokens):
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase in starts.get(tokens[i], ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=32_768)
def _company_tokens(name: str) -> tuple[str, ...]:
    raw = _WORD.findall(fold(name.replace("'", "").replace("`", "").replace("’", "")))
    cleaned: list[str] = []
    for i, tok in enumerate(raw):
        prev = raw[i - 1] if i else ""
        if tok == "&" or tok in _CONJUNCTIONS or tok in _NOISE:
            continue
        if tok in _AFTER_CONJUNCTION and (prev == "&" or prev in _CONJUNCTIONS):
            continue
        cleaned.append(tok)
    tokens = _drop_phrases(_join_initials(cleaned))
    for position, tok in enumerate(tokens[1:], start=1):
        if tok in LEGAL_FORMS and tok not in _AMBIGUOUS_FORMS:
            # what follows a legal form is its address ("Alcatel N.V., Amsterdam") or more legal forms
            tokens = tokens[:position + 1]
            break
    kept = [tok for tok in tokens if tok not in LEGAL_FORMS]
    return tuple(kept or tokens or [t for t in raw if t != "&"])


def company_tokens(name: str) -> list[str]:
    """The distinctive words of a company name: legal forms, "& C." and articles removed."""
    return list(_company_tokens(name[:MAX_KEY_INPUT]))


def company_key(name: str) -> str:
    """Folded company name for matching: "ACME S.r.l." and "Acme srl" -> "acme"; at most 200 chars."""
    return " ".join(company_tokens(name))[:200].strip()


def name_tokens(*parts: str) -> list[str]:
    """Folded words of person-name parts, keeping hyphenated and apostrophe names as one word."""
    out: list[str] = []
    for part in parts:
        if part:
            out.extend(w for w in _NON_WORD.sub("", fold(part)).split() if w)
    return out


def person_name_key(first_name: str, last_name: str) -> str:
    """Order-free phonetic key of a person's name (swapped first/last names give the same key)."""
    codes = _name_codes(first_name) if first_name else ()
    if last_name:
        codes += _name_codes(last_name)
    return " ".join(sorted(codes))[:100]


@lru_cache(maxsize=32_768)
def _name_codes(part: str) -> tuple[str, ...]:
    """The non-empty phonetic codes of one name part's words (first and last names repeat a lot)."""
    return tuple(filter(None, map(phonetic, name_tokens(part))))


_VAT_SEPARATORS = re.compile(r"[\s.\-/_,:]")


def vat_key(vat_id: str) -> str:
    """Comparable VAT id: Italian 11-digit numbers get their IT prefix back."""
    vat = _VAT_SEPARATORS.sub("", vat_id).upper()
    return "IT" + vat if len(vat) == 11 and vat.isdigit() else vat
