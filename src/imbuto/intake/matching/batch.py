"""Decide, for every record of a batch, whether it is new, merges into a lead, or is a possible duplicate.

Records are matched against the existing candidates (fetched by blocking key) and against the earlier
records of the same batch, in order, so a file with the same person on three rows yields one lead.
Only records sharing a blocking key are compared, never all pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .blocking import EXACT_PREFIXES, keys_for
from .compare import Prepared, judge, prepare, prepare_stored, reasons_of
from .frequency import Frequencies

NEW, MERGE, FLAG = "new", "merge", "flag"


@dataclass
class MatchPolicy:
    """Thresholds on the 0..1 score: >= auto_merge merges automatically, >= review creates the lead and
    flags it as a possible duplicate, below is new. Pair caps (see compare.cap) can only lower this."""

    auto_merge: float = 0.9
    review: float = 0.5
    max_block: int = 50         # a fuzzy key shared by more records than this is too common to use
    max_candidates: int = 30    # fuzzy candidates scored per record, those sharing most keys first
    max_single_key: int = 3     # and at most this many sharing a single fuzzy key
    max_members: int = 4        # records of one lead scored (a lead holds the records merged into it)
    weights: dict[str, dict[str, float]] | None = None  # learned weights (intake.MatchModel), else defaults

    def action(self, score: float, cap: str) -> str:
        if cap == NEW or score < self.review:
            return NEW
        if cap == MERGE and score >= self.auto_merge:
            return MERGE
        return FLAG


@dataclass
class Decision:
    """What to do with batch record `index`. `target` is ("existing", lead_id) or ("batch", i) with i an
    earlier record of the batch that is itself created (never one that was merged away)."""

    index: int
    action: str
    target: tuple[str, int] | None = None
    score: float | None = None
    reasons: dict[str, float] = field(default_factory=dict)


class _Node:
    """A record the batch can match: an existing lead (folded on first use) or a batch row."""

    __slots__ = ("ref", "record", "_prepared", "root")

    def __init__(self, ref: tuple[str, int], record: dict[str, Any] | None, prepared: Prepared | None,
                 root: int) -> None:
        self.ref, self.record, self._prepared, self.root = ref, record, prepared, root

    @property
    def prepared(self) -> Prepared:
        if self._prepared is None:
            self._prepared = prepare_stored(self.record or {})
        return self._prepared


def _signature(p: Prepared) -> tuple[str, ...]:
    return (p.first, p.last, p.house, p.street, p.postal, p.city, p.region, p.email, p.phone, p.vat, p.tax,
            p.domain, p.company, p.phone_digits)


class _Matcher:
    """Blocking index over the existing records that share a key with the batch and the batch records
    already decided. A record merged into a lead is indexed too (its spelling may be the one the next
    record shares), unless the lead already holds an identical record."""

    def __init__(self, batch: list[dict[str, Any]], policy: MatchPolicy,
                 freq: Frequencies | None = None, instance: Frequencies | None = None,
                 prepared: list[tuple[Prepared, set[str]]] | None = None) -> None:
        self.policy = policy
        if prepared is None:
            prepared = [(p, keys_for(p)) for p in map(prepare, batch)]
        self.prepared = [p for p, _ in prepared]
        self.freq = freq if freq is not None else (
            instance.plus(self.prepared) if instance is not None else Frequencies.of(self.prepared))
        self.keys = [sorted(keys) for _, keys in prepared]  # sorted: same input, same decisions
        self.nodes: list[_Node] = []
        self.roots: list[int] = []  # each node's root, as nodes[n].root (read in the hot loops)
        self.index: dict[str, list[int]] = {}
        self.signatures: dict[int, set[tuple[str, ...]]] = {}
        self.too_common: set[str] = set()
        self.per_lead: dict[tuple[str, int], int] = {}  # (key, root) -> records of that lead under key

    def _index(self, node: int, keys: Iterable[str]) -> None:
        """A lead's records go under a key up to max_members times: candidates() scores no more of one
        lead, and a file holding the same person thousands of times would otherwise grow the key's
        list with every row and make each later row's lookup longer (quadratic)."""
        index, per_lead, cap = self.index, self.per_lead, self.policy.max_members
        root = self.nodes[node].root
        for key in keys:
            seen = per_lead.get((key, root), 0)
            if seen >= cap:
                continue
            per_lead[(key, root)] = seen + 1
            members = index.get(key)
            if members is None:
                index[key] = [node]
            else:
                members.append(node)

    def add_existing(self, existing: list[dict[str, Any]]) -> None:
        batch_keys: set[str] = set().union(*self.keys)
        lead_root: dict[int, int] = {}
        for record in existing:
            known = record.get("match_keys")
            prepared = None
            if known is None:
                prepared = prepare(record)
                known = keys_for(prepared)
            shared = batch_keys.intersection(known)
            if not shared:
                continue
            node = len(self.nodes)
            lead_id = int(record["id"])
            root = lead_root.setdefault(lead_id, node)
            self.nodes.append(_Node(("existing", lead_id), record, prepared, root))
            self.roots.append(root)
            self._index(node, shared)

    def _usable(self, key: str, members: list[int]) -> bool:
        """A fuzzy key is too common when more than max_block different leads share it (and stays so:
        leads are only ever added)."""
        if len(members) <= self.policy.max_block:
            return True
        if key in self.too_common:
            return False
        nodes = self.nodes
        if len({nodes[m].root for m in members}) <= self.policy.max_block:
            return True
        self.too_common.add(key)
        return False

    def candidates(self, i: int) -> tuple[list[int], set[int]]:
        """Members of the leads sharing an exact key, then of the leads sharing the rarest fuzzy keys:
        each shared key counts 1 / (records under it), so a key few records share (an address, a rare
        word) outweighs several that many share; at most `max_candidates` leads sharing two or more
        keys and `max_single_key` sharing one, and `max_members` records per lead, those sharing most."""
        exact: set[int] = set()
        counts: dict[int, float] = {}
        several: set[int] = set()  # members sharing two or more usable fuzzy keys (once per key each)
        get, index, usable = counts.get, self.index, self._usable
        for key in self.keys[i]:
            members = index.get(key)
            if not members:
                continue
            if key.startswith(EXACT_PREFIXES):
                exact.update(members)
            elif usable(key, members):
                weight = 1.0 / len(members)
                for member in members:
                    count = get(member)
                    if count is None:
                        counts[member] = weight
                    else:
                        counts[member] = count + weight
                        several.add(member)
        roots = self.roots
        best: dict[int, float] = {}  # lead (root node) -> the most one of its records gathered
        by_root: dict[int, list[tuple[float, int]]] = {}  # lead -> (count, member) in counts order
        best_get = best.get
        for member, count in counts.items():
            root = roots[member]
            if count > best_get(root, 0.0):
                best[root] = count
            found = by_root.get(root)
            if found is None:
                by_root[root] = [(count, member)]
            else:
                found.append((count, member))
        roots_several = {roots[member] for member in several}  # leads with a record sharing 2+ keys
        policy = self.policy
        ranked = sorted(best)  # by count, most first, then by root (sort() is stable, reverse too)
        ranked.sort(key=best.__getitem__, reverse=True)
        # leads sharing several keys, and a few sharing one (the rarest): one shared name or word alone
        # is a weak hint, and scoring every lead that has it would multiply the comparisons
        single = [root for root in ranked if root not in roots_several][: policy.max_single_key]
        chosen_roots = [root for root in ranked if root in roots_several][: policy.max_candidates] + single
        chosen = list(exact)
        cap = policy.max_members
        for root in chosen_roots:
            members = [pair for pair in by_root[root] if pair[1] not in exact] if exact else by_root[root]
            if len(members) > cap:
                members.sort(reverse=True)
            chosen.extend(member for _, member in members[:cap])
        return chosen, exact

    def decide(self, i: int) -> Decision:
        nodes, exact = self.candidates(i)
        prepared = self.prepared[i]
        best: tuple[tuple[bool, bool, float], int, str, dict[str, str]] | None = None
        for node in nodes:
            score, cap, levels = judge(prepared, self.nodes[node].prepared, self.freq, self.policy.weights)
            action = self.policy.action(score, cap)
            if action == NEW:
                continue
            rank = (action == MERGE, node in exact and self.nodes[node].ref[0] == "existing", score)
            if best is None or rank > best[0]:
                best = (rank, node, action, levels)
        own = len(self.nodes)
        if best is None:
            decision = Decision(i, NEW)
            root = own
        else:
            rank, node, action, levels = best
            target_root = self.nodes[node].root
            root = target_root if action == MERGE else own
            reasons = reasons_of(prepared, self.nodes[node].prepared, levels, self.freq, self.policy.weights)
            decision = Decision(i, action, self.nodes[target_root].ref, round(rank[2], 4), reasons)
        self.nodes.append(_Node(("batch", i), None, prepared, root))
        self.roots.append(root)
        signature = _signature(prepared)
        known = self.signatures.setdefault(root, set())
        if root == own or signature not in known:
            known.add(signature)
            self._index(own, self.keys[i])
        return decision


def match_batch(batch: list[dict[str, Any]], existing: list[dict[str, Any]],
                policy: MatchPolicy | None = None, freq: Frequencies | None = None, *,
                instance: Frequencies | None = None,
                prepared: list[tuple[Prepared, set[str]]] | None = None) -> list[Decision]:
    """One decision per batch record, in order.

    `existing` records carry "id" plus the same normalised values and keys. A lead merged into another
    may be passed with the survivor's id: its old spellings then still find the survivor. An existing
    record may carry "match_keys" (its stored MatchKey strings, or just those shared with the batch) to
    save recomputing them; it is then only folded if it becomes a candidate.

    `freq` counts how common words and values are among the instance's records, the batch included
    (frequency.py); or `instance` counts them over the instance's other records and the batch is added
    to a copy; without either they are counted over the batch alone.

    `prepared` is the batch already folded, (compare.prepare(record), blocking.keys_for of that) per
    record, in place of `batch` (the pipeline computes both for the stored keys anyway)."""
    matcher = _Matcher(batch, policy or MatchPolicy(), freq, instance, prepared)
    matcher.add_existing(existing)
    return [matcher.decide(i) for i in range(len(matcher.prepared))]
