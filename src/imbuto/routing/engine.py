"""The routing choice, pure: plain data in, one decision per lead out (no database), so it is tested
without one and runs a batch of any size in memory.

- a lead already in a team's queue stays with that team: it goes to the team's pool;
- otherwise the first active rule it meets chooses the pool, else the default pool;
- leads that are not sales qualified yet go to the pool's (or the global) nurturing owner, when one is
  set; sales-qualified ones to a member of the pool;
- inside the pool: weighted round-robin, the member with the lowest load relative to their weight
  ((open leads + 1) / weight), among those available (not out of office, within their working hours),
  with the rule's skill, and under their capacity;
- hot leads are served first, then warm, then cold (then by score, highest first), so when capacity
  runs short the cold ones wait;
- a lead nobody can take waits (it stays unassigned and is tried again later).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

NURTURE_STAGES = frozenset({"suspect", "lead", "mql"})
TEMPERATURE_RANK = {"hot": 0, "warm": 1, "cold": 2}

ASSIGNED, NURTURING, WAITING, NO_POOL = (
    "routing.assigned",
    "routing.nurturing",
    "routing.waiting",
    "routing.no_pool",
)


@dataclass(frozen=True, slots=True)
class LeadFacts:
    """What routing reads of a lead."""

    id: int
    stage: str = "suspect"
    temperature: str = "cold"
    score: int | None = None
    country: str = ""
    region: str = ""
    language: str = ""
    size_band: str = ""
    industry: str = ""
    channel: str = ""  # slug
    campaign_id: int | None = None
    interest: str = ""  # the words that name a product interest (UTM campaign, term, content)
    team_id: int | None = None


def _lower(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip().casefold() for v in values if v and v.strip())


@dataclass(frozen=True)
class RuleSpec:
    """A rule's conditions; an empty condition matches every lead, a list any of its values."""

    id: int
    name: str
    pool_id: int
    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    products: tuple[str, ...] = ()
    size_bands: frozenset[str] = frozenset()
    industries: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    campaigns: frozenset[int] = frozenset()
    temperatures: frozenset[str] = frozenset()
    min_score: int | None = None
    max_score: int | None = None
    skill: str = ""

    @classmethod
    def build(
        cls,
        *,
        id: int,
        name: str,
        pool_id: int,
        countries: Sequence[str] = (),  # noqa: A002
        regions: Sequence[str] = (),
        languages: Sequence[str] = (),
        products: Sequence[str] = (),
        size_bands: Sequence[str] = (),
        industries: Sequence[str] = (),
        channels: Sequence[str] = (),
        campaigns: Sequence[int] = (),
        temperatures: Sequence[str] = (),
        min_score: int | None = None,
        max_score: int | None = None,
        skill: str = "",
    ) -> RuleSpec:
        return cls(
            id=id,
            name=name,
            pool_id=pool_id,
            countries=frozenset(c.upper() for c in countries),
            regions=_lower(regions),
            languages=_lower(languages),
            products=tuple(sorted(_lower(products))),
            size_bands=frozenset(size_bands),
            industries=_lower(industries),
            channels=frozenset(channels),
            campaigns=frozenset(int(c) for c in campaigns),
            temperatures=frozenset(temperatures),
            min_score=min_score,
            max_score=max_score,
            skill=skill.strip().casefold(),
        )

    @property
    def conditions(self) -> tuple[Any, ...]:
        return (
            self.countries,
            self.regions,
            self.languages,
            self.products,
            self.size_bands,
            self.industries,
            self.channels,
            self.campaigns,
            self.temperatures,
            self.min_score,
            self.max_score,
        )

    @property
    def matches_everything(self) -> bool:
        return not any(c for c in self.conditions if c is not None and c != frozenset() and c != ())

    @property
    def never_matches(self) -> bool:
        return self.min_score is not None and self.max_score is not None and self.min_score > self.max_score

    def matches(self, lead: LeadFacts) -> bool:
        if self.countries and lead.country.upper() not in self.countries:
            return False
        if self.regions and lead.region.strip().casefold() not in self.regions:
            return False
        if self.languages:
            lang = lead.language.casefold()
            if lang not in self.languages and lang.split("-")[0] not in self.languages:
                return False
        if self.size_bands and lead.size_band not in self.size_bands:
            return False
        if self.industries and lead.industry.strip().casefold() not in self.industries:
            return False
        if self.channels and lead.channel not in self.channels:
            return False
        if self.campaigns and lead.campaign_id not in self.campaigns:
            return False
        if self.temperatures and lead.temperature not in self.temperatures:
            return False
        if self.min_score is not None and (lead.score is None or lead.score < self.min_score):
            return False
        if self.max_score is not None and (lead.score is None or lead.score > self.max_score):
            return False
        if self.products:
            interest = lead.interest.casefold()
            if not any(word in interest for word in self.products):
                return False
        return True


@dataclass(frozen=True)
class Schedule:
    """When a member takes leads: out of office dates (inclusive, either end open) and, when working
    hours are set, the working days (0 Monday .. 6 Sunday) and hours, in local time."""

    away_from: dt.date | None = None
    away_until: dt.date | None = None
    work_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    work_start: dt.time | None = None
    work_end: dt.time | None = None

    def unavailable(self, local_now: dt.datetime) -> str:
        """ "" when available, else why: "away" or "hours"."""
        today = local_now.date()
        if (self.away_from or self.away_until) and (self.away_from or dt.date.min) <= today <= (
            self.away_until or dt.date.max
        ):
            return "away"
        if self.work_start is not None and self.work_end is not None:
            if local_now.weekday() not in self.work_days:
                return "hours"
            if not self.work_start <= local_now.time() < self.work_end:
                return "hours"
        return ""


@dataclass
class Member:
    """A pool member's state during one batch: `open` grows as the batch gives them leads."""

    user_id: int
    name: str
    team_id: int | None
    weight: int
    capacity: int | None
    open: int = 0
    skills: frozenset[str] = frozenset()
    unavailable: str = ""  # "", "away", "hours"

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.open >= self.capacity

    @property
    def key(self) -> float:
        """Load after one more lead, relative to the weight: the smallest gets the next lead."""
        return (self.open + 1) / self.weight


@dataclass
class PoolSpec:
    id: int
    name: str
    team_id: int
    members: list[Member] = field(default_factory=list)
    nurturing_owner: tuple[int, str, int | None] | None = None  # (user id, name, team id)
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """What routing decided for one lead: an owner (None: it waits) and the explanation."""

    lead_id: int
    owner_id: int | None
    team_id: int | None
    pool_id: int | None
    rule_id: int | None
    code: str
    params: dict[str, Any]


def priority(lead: LeadFacts) -> tuple[int, int, int]:
    """Hot before warm before cold, then the higher score, then the older lead."""
    return (
        TEMPERATURE_RANK.get(lead.temperature, 3),
        -(lead.score if lead.score is not None else -(2**31)),
        lead.id,
    )


class Router:
    """Routes leads one batch at a time over a snapshot of the rules and pools."""

    def __init__(
        self,
        rules: Sequence[RuleSpec],
        pools: Sequence[PoolSpec],
        nurturing_owner: tuple[int, str, int | None] | None = None,
    ) -> None:
        self.rules = [r for r in rules if not r.never_matches]
        self.pools = {p.id: p for p in pools}
        self.by_team = {p.team_id: p for p in pools}
        self.default = next((p for p in pools if p.is_default), None)
        self.nurturing_owner = nurturing_owner
        self._heaps: dict[int, list[tuple[float, int, int, Member]]] = {}

    def _heap(self, pool: PoolSpec) -> list[tuple[float, int, int, Member]]:
        heap = self._heaps.get(pool.id)
        if heap is None:
            heap = [
                (m.key, -m.weight, m.user_id, m) for m in pool.members if not m.unavailable and not m.full
            ]
            heapq.heapify(heap)
            self._heaps[pool.id] = heap
        return heap

    def _pick(self, pool: PoolSpec, skill: str) -> Member | None:
        if skill:
            fit = [m for m in pool.members if skill in m.skills and not m.unavailable and not m.full]
            return min(fit, key=lambda m: (m.key, -m.weight, m.user_id)) if fit else None
        heap = self._heap(pool)
        while heap:
            key, _w, _id, member = heap[0]
            if member.full:  # filled through another pool or a skilled lead
                heapq.heappop(heap)
            elif key != member.key:  # stale: its load grew elsewhere
                heapq.heapreplace(heap, (member.key, -member.weight, member.user_id, member))
            else:
                return member
        return None

    def _after_pick(self, pool: PoolSpec, member: Member) -> None:
        member.open += 1
        heap = self._heaps.get(pool.id)
        if heap and heap[0][3] is member:
            if member.full:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (member.key, -member.weight, member.user_id, member))

    def _why_nobody(self, pool: PoolSpec, skill: str) -> dict[str, int]:
        why = {"members": len(pool.members), "away": 0, "hours": 0, "full": 0, "skill": 0}
        for m in pool.members:
            if m.unavailable:
                why[m.unavailable] += 1
            elif skill and skill not in m.skills:
                why["skill"] += 1
            elif m.full:
                why["full"] += 1
        return why

    def route(self, lead: LeadFacts) -> Decision | None:
        """The decision for one lead; None for a lead in the queue of a team that has no pool (left
        where a person put it)."""
        rule: RuleSpec | None = None
        if lead.team_id is not None:
            pool = self.by_team.get(lead.team_id)
            if pool is None:
                return None
            route = {"kind": "team", "pool": pool.name}
        else:
            rule = next((r for r in self.rules if r.matches(lead)), None)
            pool = self.pools.get(rule.pool_id) if rule else self.default
            if pool is None:
                return Decision(lead.id, None, None, None, None, NO_POOL, {})
            route = (
                {"kind": "rule", "rule": rule.name, "pool": pool.name}
                if rule
                else {"kind": "default", "pool": pool.name}
            )
        rule_id = rule.id if rule else None
        nurturer = pool.nurturing_owner or self.nurturing_owner
        if nurturer is not None and lead.stage in NURTURE_STAGES:
            user_id, name, team_id = nurturer
            return Decision(
                lead.id,
                user_id,
                team_id or pool.team_id,
                pool.id,
                rule_id,
                NURTURING,
                {"routing_route": route, "owner": name, "routing_stage": lead.stage},
            )
        skill = rule.skill if rule else ""
        member = self._pick(pool, skill)
        if member is None:
            return Decision(
                lead.id,
                None,
                pool.team_id,
                pool.id,
                rule_id,
                WAITING,
                {"routing_route": route, "routing_why": self._why_nobody(pool, skill)},
            )
        params = {"routing_route": route, "owner": member.name, "load": member.open, "weight": member.weight}
        self._after_pick(pool, member)
        return Decision(
            lead.id, member.user_id, member.team_id or pool.team_id, pool.id, rule_id, ASSIGNED, params
        )

    def route_all(self, leads: Iterable[LeadFacts]) -> list[Decision]:
        """Every lead, hot first (see `priority`); leads left where they are are not in the answer."""
        out = []
        for lead in sorted(leads, key=priority):
            decision = self.route(lead)
            if decision is not None:
                out.append(decision)
        return out


Warning = tuple[str, dict[str, Any]]  # (code, params), rendered by explanations.warning_text


def warnings_for_rules(rules: Sequence[RuleSpec], pools: Sequence[PoolSpec]) -> dict[int, list[Warning]]:
    """{rule id: warnings}: rules that can never match or never be reached, rules whose pool has
    nobody who could take a lead."""
    out: dict[int, list[Warning]] = {}
    pools_by_id = {p.id: p for p in pools}
    seen: list[RuleSpec] = []
    for rule in rules:
        codes: list[Warning] = []
        if rule.never_matches:
            codes.append(("score_range_empty", {}))
        shadow = next((r for r in seen if r.matches_everything or r.conditions == rule.conditions), None)
        if shadow is not None:
            codes.append(("shadowed", {"rule": shadow.name}))
        pool = pools_by_id.get(rule.pool_id)
        if (
            pool is not None
            and not any(not rule.skill or rule.skill in m.skills for m in pool.members)
            and not (pool.nurturing_owner)
        ):
            codes.append(
                ("no_member_with_skill", {"skill": rule.skill})
                if rule.skill and pool.members
                else ("pool_empty", {"pool": pool.name})
            )
        out[rule.id] = codes
        seen.append(rule)
    return out


def warnings_for_pool(pool: PoolSpec) -> list[Warning]:
    """Warnings for a pool: nobody in it, nobody available now, everybody at capacity."""
    params = {"pool": pool.name}
    if not pool.members:
        return [("pool_empty", params)]
    if all(m.unavailable for m in pool.members):
        return [("nobody_available", params)]
    if all(m.full for m in pool.members if not m.unavailable):
        return [("all_full", params)]
    return []
