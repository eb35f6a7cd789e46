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
from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import JaroWinkler

# A value on at most this share of the records keeps its full agreement weight.
RARE_SHARE = 0.01
MIN_RECORDS = 20       # below this many records nothing is adjusted (too few to tell)
FIELDS = ("city", "postal", "street", "region")


class Frequencies:
    """Counts of company words and address values over `total` records."""

    __slots__ = ("total", "words", "values", "_factor", "_weight")

    def __init__(self) -> None:
        self.total = 0
        self.words: Counter[str] = Counter()
        self.values: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
        self._factor: dict[tuple[str, str], float] = {}
        self._weight: dict[str, float] = {}  # word -> idf weight, once counting is done

    def add(self, company_words: str, city: str = "", postal: str = "", street: str = "",
            region: str = "") -> None:
        self.total += 1
        self._weight.clear()
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

    def plus(self, prepared: Iterable[Any]) -> Frequencies:
        """A copy with more records counted (this one unchanged: a cached sample plus each batch)."""
        out = Frequencies()
        out.total = self.total
        out.words = self.words.copy()
        out.values = {name: counter.copy() for name, counter in self.values.items()}
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

    def name_similarity(self, a_words: str, b_words: str, towns: tuple[frozenset[str], ...] = ()
                        ) -> float | None:
        """Rare-word similarity of two company names, words weighted by idf; words agree when equal, or
        Jaro-Winkler >= 0.92 / one the start of the other for words of 4+ letters (typos, "deli" /
        "delicatessen"). None when too few records are counted to weigh words.

        * One name within the other (a parent's name or a qualifier added on one side): the share of
          the shorter name that agrees, times 0.75 + 0.25 x how much the agreeing weight outweighs the
          rest (so a missing parent prefix costs little, a differing rare word much).
        * Each name with words of its own ("Cafe Ritz-Carlton" / "Dining Room Ritz-Carlton", "Gruppo
          Rossi - Ferramenta" / "Gruppo Rossi - Tipografia"): neither is the other plus a prefix; what
          they share is a parent or a place and their own words tell them apart, however common those
          words are: the weighted Jaccard of the two names as wholes.

        `towns` are the words of the records' towns: a town named in a name (all its words) is a
        qualifier ("Spago (Los Angeles)", "Ferramenta Rossi Milano"), which the town field already
        compares, so it counts neither for nor against; unless each name names another of the towns."""
        if self.total < MIN_RECORDS or not a_words or not b_words:
            return None
        a: AbstractSet[str] = _word_set(a_words)
        b: AbstractSet[str] = _word_set(b_words)
        if towns:
            a, b = _without_towns(a, b, towns)
        weight = self._weight  # idf weight of every word of both names, worked out once per word
        for words in (a, b):
            for w in words:
                if w not in weight:
                    weight[w] = max(0.05, self.idf(w))
        equal = a & b
        same = sum(weight[w] for w in equal)
        rest_a, rest_b = a - equal, b - equal
        weight_a = sum(weight[w] for w in rest_a)  # the words of each name not equal to one of the other
        weight_b = sum(weight[w] for w in rest_b)
        fuzzy = overlap = 0.0
        if rest_a and rest_b:
            taken: set[str] = set()
            own_a = 0.0
            for w in rest_a:
                found = _typo_of(w, rest_b, taken)
                if found is None:
                    own_a += weight[w]
                    continue
                v, sim = found
                taken.add(v)
                pair = (weight[w] + weight[v]) / 2
                fuzzy += pair * (sim - 0.1)  # a typo counts as much as it is alike, less than equal words
                overlap += pair
            own_b = weight_b - sum(weight[v] for v in taken)
            if own_a > 1e-9 and own_b > 1e-9:  # each name has words of its own: compared as wholes
                return (same + fuzzy) / (same + overlap + own_a + own_b)
        shared = same + fuzzy
        small = same + min(weight_a, weight_b)
        differing = weight_a + weight_b - fuzzy  # the longer name's own words (and the typos' rest)
        if small <= 0:
            return None
        containment = min(1.0, shared / small)
        if differing <= 0:  # the same words (once town names are left out)
            return containment
        return containment * (0.75 + 0.25 * min(1.0, shared / differing))


def _typo_of(word: str, others: AbstractSet[str], taken: set[str]) -> tuple[str, float] | None:
    """(the other name's word, similarity) that `word` is a typo or a shortening of, if any: Jaro-Winkler
    >= 0.92 for words of 4+ letters, or one the start of the other ("deli" / "delicatessen")."""
    if len(word) < 4:
        return None
    for other in others:
        if other in taken:
            continue
        sim = JaroWinkler.similarity(word, other) if len(other) >= 4 else 0.0
        if sim < 0.92 and (word.startswith(other) or other.startswith(word)):
            sim = 0.92
        if sim >= 0.92:
            return other, sim
    return None


@lru_cache(maxsize=16_384)
def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _without_towns(a: AbstractSet[str], b: AbstractSet[str],
                   towns: tuple[frozenset[str], ...]) -> tuple[AbstractSet[str], AbstractSet[str]]:
    """The names' words without the towns they name, unless each name names a town the other does not
    (two places: a distinction) or nothing else would be left."""
    in_a = [town for town in towns if town and town <= a]
    in_b = [town for town in towns if town and town <= b]
    if not (in_a or in_b):
        return a, b
    if any(not town <= b for town in in_a) and any(not town <= a for town in in_b):
        return a, b
    named = set().union(*in_a, *in_b)
    a_rest, b_rest = a - named, b - named
    return (a_rest, b_rest) if a_rest and b_rest else (a, b)
