"""How common each value is among the instance's own records: term-frequency adjustments.

A word or value shared by many records says little when it agrees ("Istituto", "S.r.l.", the one town
every row has); a rare one says much. `Frequencies` counts, over a sample of records (the batch plus
the instance's leads), the company-name words and the town, postcode, street and region values, and
gives a 0..1 factor that scales an agreeing field's weight and an inverse-document-frequency weight
per name word for the rare-word name similarity.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from rapidfuzz.distance import JaroWinkler

# A value on at most this share of the records keeps its full agreement weight.
RARE_SHARE = 0.01
MIN_RECORDS = 20       # below this many records nothing is adjusted (too few to tell)
FIELDS = ("city", "postal", "street", "region")


class Frequencies:
    """Counts of company words and address values over `total` records."""

    __slots__ = ("total", "words", "values", "_factor")

    def __init__(self) -> None:
        self.total = 0
        self.words: Counter[str] = Counter()
        self.values: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
        self._factor: dict[tuple[str, str], float] = {}

    def add(self, company_words: str, city: str = "", postal: str = "", street: str = "",
            region: str = "") -> None:
        self.total += 1
        if company_words:
            self.words.update(set(company_words.split()))
        for name, value in zip(FIELDS, (city, postal, street, region), strict=True):
            if value:
                self.values[name][value] += 1

    @classmethod
    def of(cls, prepared: Iterable[Any]) -> Frequencies:
        """Counted over prepared records (compare.Prepared)."""
        out = cls()
        for p in prepared:
            out.add(p.company_words, p.city, p.postal, p.street, p.region)
        return out

    def factor(self, name: str, value: str) -> float:
        """0..1: how much an agreement on this value of field `name` is worth (1 for a rare value, 0 for
        a value every record has)."""
        if self.total < MIN_RECORDS:
            return 1.0
        known = self._factor.get((name, value))
        if known is not None:
            return known
        count = self.values[name].get(value, 0) + 1
        share = min(1.0, count / self.total)
        out = 1.0 if share <= RARE_SHARE else max(0.0, math.log(share) / math.log(RARE_SHARE))
        self._factor[(name, value)] = out
        return out

    def idf(self, word: str) -> float:
        return math.log((self.total + 1) / (self.words.get(word, 0) + 0.5))

    def name_similarity(self, a_words: str, b_words: str) -> float | None:
        """Rare-word similarity of two company names: the idf-weighted share of words that agree (equal,
        or Jaro-Winkler >= 0.92 for words of 4+ letters) over the words of the shorter name, times
        the weighted share over both (so a missing parent prefix costs little, a differing rare
        word much). None when too few records are counted to weigh words."""
        if self.total < MIN_RECORDS or not a_words or not b_words:
            return None
        a, b = set(a_words.split()), set(b_words.split())
        weight = {w: max(0.05, self.idf(w)) for w in a | b}
        equal = a & b
        shared = sum(weight[w] for w in equal)
        fuzzy = 0.0
        taken: set[str] = set()
        for w in a - equal:
            if len(w) < 4:
                continue
            for v in b - equal - taken:
                sim = JaroWinkler.similarity(w, v) if len(v) >= 4 else 0.0
                if sim < 0.92 and (w.startswith(v) or v.startswith(w)):
                    sim = 0.92  # a shortened word: "deli" / "delicatessen", "intl" / "international"
                if sim >= 0.92:  # a typo: the pair counts as much as it is alike, less than equal words
                    taken.add(v)
                    fuzzy += (weight[w] + weight[v]) / 2 * (sim - 0.1)
                    break
        shared += fuzzy
        small = min(sum(weight[w] for w in a), sum(weight[w] for w in b))
        union = sum(weight.values()) - shared
        if small <= 0 or union <= 0:
            return None
        containment = min(1.0, shared / small)
        return containment * (0.75 + 0.25 * min(1.0, shared / union))
