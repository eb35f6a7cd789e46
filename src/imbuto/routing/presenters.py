"""What the API and the pages show of rules, pools and a lead's routing: warnings worked out from the
same snapshot the router reads, explanations rendered in the reader's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from imbuto.core import explain
from imbuto.core.models import HistoryEntry

from . import engine, snapshot
from .explanations import warning_text
from .models import Pool, PoolMember, Rule


def warnings_out(items: list[engine.Warning]) -> list[dict[str, Any]]:
    return [{"code": code, "params": params, "text": warning_text(code, params)} for code, params in items]


@dataclass
class Overview:
    """Rules and pools with their warnings and the members' load, for one reader."""

    rules: list[Rule]
    pools: list[Pool]
    rule_warnings: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    pool_warnings: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    members: dict[int, list[PoolMember]] = field(default_factory=dict)


def overview(rules: list[Rule], pools: list[Pool], now: dt.datetime | None = None) -> Overview:
    """Attach to each rule and pool its warnings, and to each member `open_leads` and `available`."""
    now = now or timezone.now()
    specs = snapshot.pools(now)
    by_id = {p.id: p for p in specs}
    every_rule = [
        snapshot.rule_spec(r) for r in Rule.objects.filter(is_active=True).order_by("position", "pk")
    ]
    rule_warnings = engine.warnings_for_rules(every_rule, specs)
    out = Overview(rules=rules, pools=pools)
    for rule in rules:
        out.rule_warnings[rule.pk] = warnings_out(rule_warnings.get(rule.pk, [])) if rule.is_active else []
        rule.warnings = out.rule_warnings[rule.pk]  # type: ignore[attr-defined]
    members = PoolMember.objects.filter(pool__in=pools).select_related("user").order_by("user__username")
    state = {(m.user_id): m for spec in specs for m in spec.members}
    local = timezone.localtime(now)
    for member in members:
        known = state.get(member.user_id)
        member.open_leads = known.open if known else 0  # type: ignore[attr-defined]
        why = snapshot.schedule_of(member).unavailable(local)
        member.available = not why and member.user.is_active  # type: ignore[attr-defined]
        member.unavailable = why  # type: ignore[attr-defined]
        out.members.setdefault(member.pool_id, []).append(member)
    for pool in pools:
        spec = by_id.get(pool.pk)
        out.pool_warnings[pool.pk] = warnings_out(engine.warnings_for_pool(spec)) if spec else []
        pool.warnings = out.pool_warnings[pool.pk]  # type: ignore[attr-defined]
        pool.member_list = out.members.get(pool.pk, [])  # type: ignore[attr-defined]
    return out


def rule_out(rule: Rule, warnings: list[dict[str, Any]]) -> dict[str, Any]:
    data = {
        name: getattr(rule, name)
        for name in (
            "id",
            "name",
            "position",
            "is_active",
            "pool_id",
            "countries",
            "regions",
            "languages",
            "products",
            "size_bands",
            "industries",
            "channels",
            "campaigns",
            "temperatures",
            "min_score",
            "max_score",
            "skill",
        )
    }
    return {**data, "pool": rule.pool.name, "warnings": warnings}


def member_out(member: PoolMember) -> dict[str, Any]:
    data = {
        name: getattr(member, name)
        for name in (
            "id",
            "user_id",
            "weight",
            "capacity",
            "skills",
            "away_from",
            "away_until",
            "work_days",
            "work_start",
            "work_end",
        )
    }
    return {
        **data,
        "user": str(member.user),
        "open_leads": getattr(member, "open_leads", 0),
        "available": getattr(member, "available", True),
    }


def pool_out(pool: Pool, view: Overview) -> dict[str, Any]:
    return {
        "id": pool.pk,
        "name": pool.name,
        "team_id": pool.team_id,
        "team": pool.team.name,
        "is_default": pool.is_default,
        "nurturing_owner_id": pool.nurturing_owner_id,
        "members": [member_out(m) for m in view.members.get(pool.pk, [])],
        "warnings": view.pool_warnings.get(pool.pk, []),
    }


def explanation_out(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": entry.at,
        "actor": entry.actor_label,
        "code": entry.reason_code,
        "params": entry.reason_params or {},
        "text": explain.render(entry.reason_code, entry.reason_params or {}),
        "changes": entry.changes or {},
    }


def conditions(rule: Rule) -> list[tuple[str, str]]:
    """A rule's conditions as people read them: (label, values), countries and languages by name,
    temperatures and sizes by their labels."""
    from django.utils.translation import gettext as _

    from imbuto.leads.choices import SizeBand, Temperature
    from imbuto.leads.presenters import country_name, language_name

    temps, sizes = dict(Temperature.choices), dict(SizeBand.choices)
    shown = [
        (_("Countries"), [country_name(c) for c in rule.countries]),
        (_("Regions"), list(rule.regions)),
        (_("Languages"), [language_name(c) for c in rule.languages]),
        (_("Product interest"), list(rule.products)),
        (_("Company sizes"), [str(sizes.get(s, s)) for s in rule.size_bands]),
        (_("Industries"), list(rule.industries)),
        (_("Channels"), list(rule.channels)),
        (_("Campaigns"), [str(c) for c in rule.campaigns]),
        (_("Temperatures"), [str(temps.get(t, t)) for t in rule.temperatures]),
        (_("Minimum score"), [] if rule.min_score is None else [str(rule.min_score)]),
        (_("Maximum score"), [] if rule.max_score is None else [str(rule.max_score)]),
        (_("Skill needed"), [rule.skill] if rule.skill else []),
    ]
    return [(label, ", ".join(values)) for label, values in shown if values]
