"""The words of a search, as every list searches them: a company's legal form is left out, so
"Rossi srls", "Rossi S.r.l.s." and "ROSSI S. R. L. S." all find "Rossi S.r.l.s." (and "Verdi spa"
finds "Verdi S.p.A."). A search made only of legal forms keeps them."""

from __future__ import annotations

LEGAL_FORMS = frozenset((
    # Italian
    "srl", "srls", "spa", "sas", "snc", "sapa", "scarl", "scrl", "scpa", "ss", "sc", "coop", "onlus",
    # elsewhere, as they turn up in Italian lists
    "gmbh", "ag", "kg", "ltd", "llc", "inc", "plc", "sa", "sarl", "sas", "bv", "nv", "sl", "slu",
))
MAX_WORDS = 6


def _key(word: str) -> str:
    return "".join(ch for ch in word.lower() if ch.isalnum())


def search_words(text: str | None, limit: int = MAX_WORDS) -> list[str]:
    """The words to match (at most `limit`), legal forms left out; spaced initials ("S. r. l.") are
    read together."""
    raw = (text or "").replace("\x00", "").split()
    words: list[str] = []
    initials: list[str] = []
    for word in [*raw, ""]:
        if word and len(_key(word)) == 1 and word.strip(".").isalpha():
            initials.append(word)
            continue
        if initials:
            joined = "".join(_key(w) for w in initials)
            words.extend([joined] if joined in LEGAL_FORMS else initials)
            initials = []
        if word:
            words.append(word)
    kept = [w for w in words if _key(w) not in LEGAL_FORMS]
    return (kept or words)[:limit]
