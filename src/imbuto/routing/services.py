"""The writers of routing: route leads (a batch, set-based), and keep the rules, pools, members and
settings. Each takes an `actor` (None: the system), checks permission, runs in one transaction and
writes history; assignments go through leads.assignment (`apply_assignment`: the owner and the team
that follows them) and announce a LeadUpdated event like every other assignment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.types import Actor
from imbuto.leads.assignment import leads_assign_decided
from imbuto.leads.models import Lead

from . import engine, snapshot, writes
from .models import Pool, Settings, Waiting

HANDOFF_STAGES = ("sql", "opportunity")  # sales-qualified: nurturing hands them to a rep

CHUNK = 5000
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
    (
        pk,
        _owner,
        stage,
        temperature,
        score,
        country,
        region,
        language,
        size_band,
        industry,
        channel,
        campaign_id,
        utm_campaign,
        utm_term,
        utm_content,
        team_id,
        _wait,
    ) = row
    return engine.LeadFacts(
        id=pk,
        stage=stage,
        temperature=temperature,
        score=score,
        country=country or "",
        region=region or "",
        language=language or "",
        size_band=size_band or "",
        industry=industry or "",
        channel=channel or "",
        campaign_id=campaign_id,
        interest=" ".join(v for v in (utm_campaign, utm_term, utm_content) if v),
        team_id=None if again else team_id,
    )


def leads_route(
    *, actor: Actor, lead_ids: Sequence[int], now: dt.datetime | None = None, again: bool = False
) -> RoutingReport:
    """Route the leads of `lead_ids` by the rules, set-based: the same few statements for any number.

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
        rows = writes.load(ids, again, snapshot.CLOSED_STAGES) if router.pools else []
        if not rows:  # nothing to route, or routing not set up (no pool): leads stay as intake left them
            report.skipped = ids
            return report
        decisions = router.route_all(_facts(row, again) for row in rows)
        by_id = {row[0]: row for row in rows}
        report.decisions = {d.lead_id: d for d in decisions}
        report.skipped = [i for i in ids if i not in report.decisions]
        _write(actor, decisions, by_id, again, now, report)
    return report


def _write(
    actor: Actor,
    decisions: list[engine.Decision],
    rows: dict[int, tuple[Any, ...]],
    again: bool,
    now: dt.datetime,
    report: RoutingReport,
) -> None:
    """Set owners (one UPDATE), write the history (one insert), the waiting rows, the event.
    The team follows the owner (leads.assignment's rule, applied by the engine: the owner's team, or
    the pool's for an owner without one)."""
    triples: list[tuple[int, int, int | None]] = []
    entries: list[writes.Entry] = []
    new_waits: list[Waiting] = []
    for d in decisions:
        row = rows[d.lead_id]
        if d.owner_id is None:
            if again:  # nobody can take it now: it keeps its owner
                report.skipped.append(d.lead_id)
                continue
            report.waiting.append(d.lead_id)
            new_waits.append(
                Waiting(lead_id=d.lead_id, pool_id=d.pool_id, code=d.code, params=d.params, since=now)
            )
            continue
        changes = {}
        if row[1] != d.owner_id:
            changes["owner"] = [row[1], d.owner_id]
        if row[15] != d.team_id:
            changes["team"] = [row[15], d.team_id]
        if not changes:
            report.skipped.append(d.lead_id)
            continue
        entries.append((d.lead_id, changes, d.code, d.params))
        triples.append((d.lead_id, d.owner_id, d.team_id))
    leads_assign_decided(actor=actor, decided=triples, now=now)
    report.assigned = [lead_id for lead_id, *_rest in entries]
    writes.write_history(actor, now, "assigned", entries)
    waited = [i for i in report.assigned if rows[i][16] is not None]
    for start in range(0, len(waited), CHUNK):
        Waiting.objects.filter(lead_id__in=waited[start : start + CHUNK]).delete()
    _store_waits(actor, now, new_waits, rows)


def _store_waits(
    actor: Actor, now: dt.datetime, waits: list[Waiting], rows: dict[int, tuple[Any, ...]]
) -> None:
    """Waiting rows: new ones written, with a history note the first time; known ones refreshed."""
    fresh = [w for w in waits if rows[w.lead_id][16] is None]
    known = [w for w in waits if rows[w.lead_id][16] is not None]
    Waiting.objects.bulk_create(fresh, batch_size=2000)
    for w in known:
        Waiting.objects.filter(lead_id=w.lead_id).update(pool_id=w.pool_id, code=w.code, params=w.params)
    writes.write_history(actor, now, "routed", [(w.lead_id, {}, w.code, w.params) for w in fresh])


def waiting_ids(limit: int = 10_000) -> list[int]:
    """Leads waiting for routing, the oldest first (the periodic job's work)."""
    return list(Waiting.objects.order_by("since", "lead_id").values_list("lead_id", flat=True)[:limit])


def route_waiting(*, now: dt.datetime | None = None, limit: int = 10_000) -> RoutingReport:
    """Try the waiting leads again (capacity may have freed up, someone come back); the system acts.
    Waiting rows of leads someone assigned by hand meanwhile are dropped."""
    ids = waiting_ids(limit)
    report = leads_route(actor=None, lead_ids=ids, now=now)
    if report.skipped:
        settled = (
            Q(lead__owner__isnull=False)
            | Q(lead__merged_into__isnull=False)
            | Q(lead__stage__in=snapshot.CLOSED_STAGES)
        )
        Waiting.objects.filter(settled, lead_id__in=report.skipped).delete()
    return report


def leads_hand_to_sales(lead_ids: Sequence[int], *, now: dt.datetime | None = None) -> RoutingReport:
    """Leads that became sales qualified while a nurturing owner (the global one or a pool's) holds
    them go to sales: routed again by the rules, as one batch. Leads owned by anyone else stay."""
    nurturers = {pk for pk in Pool.objects.values_list("nurturing_owner_id", flat=True) if pk}
    global_owner = Settings.objects.filter(pk=1).values_list("nurturing_owner_id", flat=True).first()
    if global_owner:
        nurturers.add(global_owner)
    if not nurturers:
        return RoutingReport(skipped=sorted(set(lead_ids)))
    held = list(Lead.objects.filter(pk__in=sorted(set(lead_ids)), owner_id__in=nurturers,
                                    stage__in=HANDOFF_STAGES).values_list("pk", flat=True))
    return leads_route(actor=None, lead_ids=held, now=now, again=True)


def may_route_again(actor: Actor) -> bool:
    return permissions.can_work_unassigned_queue(actor)


def leads_route_again(
    *, actor: Actor, leads: Sequence[Lead], now: dt.datetime | None = None
) -> tuple[RoutingReport, dict[int, str]]:
    """A manager's "route again by the rules" over chosen leads: each must be one they may change
    (refused otherwise, {lead id: why}); the rest are routed afresh as one batch."""
    if not may_route_again(actor):
        permissions.require(
            actor,
            "route",
            "routing.rule",
            message=_("Only administrators and sales managers route leads again."),
        )
    refused: dict[int, str] = {}
    allowed: list[int] = []
    for lead in leads:
        if permissions.can(actor, "change", lead):
            allowed.append(lead.pk)
        else:
            permissions.audit_denial(actor, "change", "leads.lead", lead.pk)
            refused[lead.pk] = _("You may not change this lead.")
    return leads_route(actor=actor, lead_ids=allowed, now=now, again=True), refused
