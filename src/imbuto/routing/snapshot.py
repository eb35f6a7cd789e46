"""The routing configuration as the engine reads it: rules, pools with their members' load and
availability at `now`, the global nurturing owner. A handful of queries, whatever the batch size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from . import engine
from .models import Pool, PoolMember, Rule, Settings

CLOSED_STAGES = ("customer", "discarded")


def rule_spec(rule: Rule) -> engine.RuleSpec:
    return engine.RuleSpec.build(
        id=rule.pk,
        name=rule.name,
        pool_id=rule.pool_id,
        countries=rule.countries,
        regions=rule.regions,
        languages=rule.languages,
        products=rule.products,
        size_bands=rule.size_bands,
        industries=rule.industries,
        channels=rule.channels,
        campaigns=rule.campaigns,
        temperatures=rule.temperatures,
        min_score=rule.min_score,
        max_score=rule.max_score,
        skill=rule.skill,
    )


def open_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Open leads (not merged, not customer or discarded) per owner, in one query."""
    from imbuto.leads.models import Lead

    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = (
        Lead.objects.filter(owner_id__in=ids, merged_into__isnull=True)
        .exclude(stage__in=CLOSED_STAGES)
        .values("owner_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


def schedule_of(member: PoolMember) -> engine.Schedule:
    return engine.Schedule(
        away_from=member.away_from,
        away_until=member.away_until,
        work_days=frozenset(member.work_days or ()),
        work_start=member.work_start,
        work_end=member.work_end,
    )


def _person(user: Any) -> tuple[int, str, int | None] | None:
    if user is None or not user.is_active:
        return None
    return (user.pk, str(user), user.team_id)


def pools(now: dt.datetime | None = None, pool_ids: Iterable[int] | None = None) -> list[engine.PoolSpec]:
    """Every pool (or those of `pool_ids`) with its active members' state at `now`."""
    local = timezone.localtime(now or timezone.now())
    qs = Pool.objects.select_related("nurturing_owner").order_by("pk")
    if pool_ids is not None:
        qs = qs.filter(pk__in=list(pool_ids))
    found = list(qs)
    members = list(
        PoolMember.objects.filter(pool__in=found, user__is_active=True)
        .select_related("user")
        .order_by("pool_id", "user_id")
    )
    counts = open_counts(m.user_id for m in members)
    people: dict[int, engine.Member] = {}  # one state per person, shared by the pools they are in
    by_pool: dict[int, list[engine.Member]] = {p.pk: [] for p in found}
    for m in members:
        state = people.get(m.user_id)
        if state is None:
            state = people[m.user_id] = engine.Member(
                user_id=m.user_id,
                name=str(m.user),
                team_id=m.user.team_id,
                weight=m.weight,
                capacity=m.capacity,
                open=counts.get(m.user_id, 0),
                skills=frozenset(s.strip().casefold() for s in m.skills or () if isinstance(s, str)),
                unavailable=schedule_of(m).unavailable(local),
            )
        by_pool[m.pool_id].append(state)
    return [
        engine.PoolSpec(
            id=p.pk,
            name=p.name,
            team_id=p.team_id,
            members=by_pool[p.pk],
            nurturing_owner=_person(p.nurturing_owner),
            is_default=p.is_default,
        )
        for p in found
    ]


def router(now: dt.datetime | None = None) -> engine.Router:
    """A router over the whole configuration at `now`."""
    rules = [rule_spec(r) for r in Rule.objects.filter(is_active=True).order_by("position", "pk")]
    config = Settings.objects.select_related("nurturing_owner").filter(pk=1).first()
    return engine.Router(rules, pools(now), _person(config.nurturing_owner) if config else None)
