"""The writers of routing: route leads (a batch, set-based), and keep the rules, pools, members and
settings. Each takes an `actor` (None: the system), checks permission, runs in one transaction and
writes history; assignments go through leads.assignment (`apply_assignment`: the owner and the team
that follows them) and announce a LeadUpdated event like every other assignment."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.accounts.models import User
from imbuto.core import events, history, permissions
from imbuto.core.types import Actor
from imbuto.leads import events as lead_events
from imbuto.leads.assignment import apply_assignment
from imbuto.leads.models import Lead

from . import engine, snapshot
from .models import Pool, Waiting

CHUNK = 5000
FACT_FIELDS = ("id", "owner_id", "stage", "temperature", "score", "country", "region", "language",
               "size_band", "industry", "channel__slug", "campaign_id", "utm_campaign", "utm_term",
               "utm_content", "team_id", "routing_wait__id")
WAITING_CODES = (engine.WAITING, engine.NO_POOL)


@dataclass
class RoutingReport:
    """What one routing run did: lead ids assigned, waiting, left where they were (owned already, or
    in the queue of a team without a pool), and each decision by lead id."""

    assigned: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    decisions: dict[int, engine.Decision] = field(default_factory=dict)


def _facts(row: tuple[Any, ...], again: bool) -> engine.LeadFacts:
    (pk, _owner, stage, temperature, score, country, region, language, size_band, industry, channel,
     campaign_id, utm_campaign, utm_term, utm_content, team_id, _wait) = row
    return engine.LeadFacts(
        id=pk, stage=stage, temperature=temperature, score=score, country=country or "",
        region=region or "", language=language or "", size_band=size_band or "", industry=industry or "",
        channel=channel or "", campaign_id=campaign_id,
        interest=" ".join(v for v in (utm_campaign, utm_term, utm_content) if v),
        team_id=None if again else team_id)


def _load(ids: Sequence[int], again: bool) -> list[tuple[Any, ...]]:
    """The open leads among `ids` routing may decide for (unowned ones only, unless `again`), locked."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), CHUNK):
        qs = (Lead.objects.filter(pk__in=ids[start:start + CHUNK], merged_into__isnull=True)
              .exclude(stage__in=snapshot.CLOSED_STAGES))
        if not again:
            qs = qs.filter(owner__isnull=True)
        if connection.features.has_select_for_update:
            locked = list(qs.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
            qs = Lead.objects.filter(pk__in=locked)
        rows.extend(qs.order_by("pk").values_list(*FACT_FIELDS))
    return rows


def leads_route(*, actor: Actor, lead_ids: Sequence[int], now: dt.datetime | None = None,
                again: bool = False) -> RoutingReport:
    """Route the leads of `lead_ids` by the rules, set-based: a few queries per 5,000 leads.

    Without `again` only leads nobody owns are routed (a lead a person or an earlier run already
    assigned is left as it is, so a retried task changes nothing twice); a lead nobody can take waits
    (unassigned, in the queue, with a `Waiting` row the periodic job retries). With `again` (a
    manager's "route again by the rules") owned leads are routed afresh; one nobody can take keeps its
    owner. Permission to change each lead is the caller's to check (the selection)."""
    now = now or timezone.now()
    report = RoutingReport()
    ids = sorted({int(i) for i in lead_ids})
    if not ids:
        return report
    with transaction.atomic():
        # One routing run at a time: the members' loads read below stay true until this one commits.
        list(Pool.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
        router = snapshot.router(now)
        rows = _load(ids, again) if router.pools else []
        if not rows:  # nothing to route, or routing not set up (no pool): leads stay as intake left them
            report.skipped = ids
            return report
        decisions = router.route_all(_facts(row, again) for row in rows)
        by_id = {row[0]: row for row in rows}
        report.decisions = {d.lead_id: d for d in decisions}
        report.skipped = [i for i in ids if i not in report.decisions]
        _write(actor, decisions, by_id, again, now, report)
    return report


def _write(actor: Actor, decisions: list[engine.Decision], rows: dict[int, tuple[Any, ...]], again: bool,
           now: dt.datetime, report: RoutingReport) -> None:
    people: dict[int, User] = {}  # owners known by id only: enough for `apply_assignment`
    changed: list[Lead] = []
    changes_of: dict[int, dict[str, list[Any]]] = {}
    groups: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    new_waits: list[Waiting] = []
    for d in decisions:
        row = rows[d.lead_id]
        if d.owner_id is None:
            if again:  # nobody can take it now: it keeps its owner
                report.skipped.append(d.lead_id)
                continue
            report.waiting.append(d.lead_id)
            new_waits.append(Waiting(lead_id=d.lead_id, pool_id=d.pool_id, code=d.code, params=d.params,
                                     since=now))
            continue
        lead = Lead(pk=d.lead_id, owner_id=row[1], team_id=row[15])
        owner = people.get(d.owner_id) or people.setdefault(d.owner_id, User(pk=d.owner_id))
        changes = apply_assignment(lead, owner, d.team_id)
        if not changes:
            report.skipped.append(d.lead_id)
            continue
        changes_of[d.lead_id] = changes
        changed.append(lead)
        groups[(d.owner_id, d.team_id)].append(d.lead_id)
    for (owner_id, team_id), lead_ids in groups.items():
        for start in range(0, len(lead_ids), CHUNK):
            Lead.objects.filter(pk__in=lead_ids[start:start + CHUNK]).update(
                owner_id=owner_id, team_id=team_id, updated_at=now)
    report.assigned = [lead.pk for lead in changed]
    decided = {d.lead_id: d for d in decisions}
    history.record_many(changed, actor=actor, action="assigned", changes_for=lambda lead: changes_of[lead.pk],
                        why_for=lambda lead: {"code": decided[lead.pk].code,
                                              "params": decided[lead.pk].params})
    waited = [i for i in report.assigned if rows[i][16] is not None]
    for start in range(0, len(waited), CHUNK):
        Waiting.objects.filter(lead_id__in=waited[start:start + CHUNK]).delete()
    _store_waits(actor, new_waits, rows)
    if changed:
        events.emit(lead_events.LeadUpdated(lead_ids=tuple(sorted(report.assigned)), fields=("owner", "team"),
                                            actor_id=events.actor_id_of(actor)))


def _store_waits(actor: Actor, waits: list[Waiting], rows: dict[int, tuple[Any, ...]]) -> None:
    """Waiting rows: new ones written, with a history note the first time; known ones refreshed."""
    fresh = [w for w in waits if rows[w.lead_id][16] is None]
    known = [w for w in waits if rows[w.lead_id][16] is not None]
    Waiting.objects.bulk_create(fresh, batch_size=2000)
    for w in known:
        Waiting.objects.filter(lead_id=w.lead_id).update(pool_id=w.pool_id, code=w.code, params=w.params)
    by_id = {w.lead_id: w for w in fresh}
    history.record_many([Lead(pk=w.lead_id) for w in fresh], actor=actor, action="routed",
                        why_for=lambda lead: {"code": by_id[lead.pk].code, "params": by_id[lead.pk].params})


def waiting_ids(limit: int = 10_000) -> list[int]:
    """Leads waiting for routing, the oldest first (the periodic job's work)."""
    return list(Waiting.objects.order_by("since", "lead_id").values_list("lead_id", flat=True)[:limit])


def route_waiting(*, now: dt.datetime | None = None, limit: int = 10_000) -> RoutingReport:
    """Try the waiting leads again (capacity may have freed up, someone come back); the system acts.
    Waiting rows of leads someone assigned by hand meanwhile are dropped."""
    ids = waiting_ids(limit)
    report = leads_route(actor=None, lead_ids=ids, now=now)
    if report.skipped:
        settled = (Q(lead__owner__isnull=False) | Q(lead__merged_into__isnull=False)
                   | Q(lead__stage__in=snapshot.CLOSED_STAGES))
        Waiting.objects.filter(settled, lead_id__in=report.skipped).delete()
    return report


def may_route_again(actor: Actor) -> bool:
    return permissions.can_work_unassigned_queue(actor)


def leads_route_again(*, actor: Actor, leads: Sequence[Lead], now: dt.datetime | None = None
                      ) -> tuple[RoutingReport, dict[int, str]]:
    """A manager's "route again by the rules" over chosen leads: each must be one they may change
    (refused otherwise, {lead id: why}); the rest are routed afresh as one batch."""
    if not may_route_again(actor):
        permissions.require(actor, "route", "routing.rule",
                            message=_("Only administrators and sales managers route leads again."))
    refused: dict[int, str] = {}
    allowed: list[int] = []
    for lead in leads:
        if permissions.can(actor, "change", lead):
            allowed.append(lead.pk)
        else:
            permissions.audit_denial(actor, "change", "leads.lead", lead.pk)
            refused[lead.pk] = _("You may not change this lead.")
    return leads_route(actor=actor, lead_ids=allowed, now=now, again=True), refused
