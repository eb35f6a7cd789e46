"""Merge rules shared by the pipeline (automatic merges) and `services.lead_merge` (manual ones).

Survivor rule (documented in docs/intake.md):
  1. an incoming record never survives: it folds into the lead it matched (the older record);
  2. between two leads, the one further along wins: customer > opportunity > SQL > MQL > lead >
     suspect > parked > discarded;
  3. on a tie the older lead (created first, then lower id) survives.
Values: a non-empty value of the folded record fills an empty field of the survivor, and replaces a
value the survivor has flagged as invalid; every other value that differs is kept as
`{field: [kept, other]}` in LeadMerge.differing_values and in the survivor's history. Nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils import timezone

from imbuto.core.types import Actor
from imbuto.leads import fields as lead_fields
from imbuto.leads.choices import Stage, Timeframe
from imbuto.leads.models import Lead

from ..models import DuplicateCandidate, DuplicateStatus

STAGE_RANK = {Stage.CUSTOMER: 8, Stage.OPPORTUNITY: 7, Stage.SQL: 6, Stage.MQL: 5, Stage.LEAD: 4,
              Stage.SUSPECT: 3, Stage.PARKED: 2, Stage.DISCARDED: 1}
# Lead fields a merge may fill or report as differing: the record's columns (leads.fields) but the
# stage and temperature, which the lifecycle owns, and the match keys intake derives.
VALUE_FIELDS = (
    *(name for name in lead_fields.names(column=True) if name not in ("stage", "temperature")),
    "domain", "company_key", "name_key",
)
REF_FIELDS = ("channel_id", "campaign_id", "owner_id", "team_id", "referrer_contact_id",
              "referrer_account_id")
# Derived keys: filled silently, never reported as a differing value.
QUIET_FIELDS = frozenset({"domain", "company_key", "name_key", "team_id"})
EMPTY_VALUES = (None, "", Timeframe.UNKNOWN)
# Relations a merge does not re-point: the merge log itself stays as it happened.
SKIP_RELATIONS = {("intake.leadmerge", "survivor"), ("intake.leadmerge", "merged")}


def choose_survivor(a: Lead, b: Lead) -> tuple[Lead, Lead]:
    """(survivor, merged) between two leads by the documented rule."""
    def rank(lead: Lead) -> tuple[int, float, int]:
        return (-STAGE_RANK.get(lead.stage, 0), lead.created_at.timestamp(), lead.pk)

    return (a, b) if rank(a) <= rank(b) else (b, a)


def fold(survivor: Lead, incoming: dict[str, Any], incoming_flags: dict[str, Any] | None = None,
         ) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
    """Fold `incoming` (field -> value, ids for relations) into `survivor` in memory.

    Returns (filled {field: [old, new]}, differing {field: [kept, other]})."""
    filled: dict[str, list[Any]] = {}
    differing: dict[str, list[Any]] = {}
    flags = dict(survivor.quality_flags or {})
    incoming_flags = incoming_flags or {}
    for name in (*VALUE_FIELDS, *REF_FIELDS):
        new = incoming.get(name)
        if new in EMPTY_VALUES:
            continue
        old = getattr(survivor, name)
        if old == new:
            continue
        replace_invalid = name in flags and name not in incoming_flags
        if old in EMPTY_VALUES or replace_invalid:
            setattr(survivor, name, new)
            filled[name] = [old, new]
            if replace_invalid:
                flags.pop(name, None)
                differing[name] = [new, old]
            elif name in incoming_flags:
                flags[name] = incoming_flags[name]
        elif name not in QUIET_FIELDS and str(old).casefold() != str(new).casefold():
            differing[name] = [old, new]
    if "owner_id" in filled and incoming.get("team_id") and not survivor.team_id:
        survivor.team_id = incoming["team_id"]
        filled["team_id"] = [None, incoming["team_id"]]
    if flags != (survivor.quality_flags or {}):
        survivor.quality_flags = flags
        filled.setdefault("quality_flags", [None, flags])
    if "purchase_timeframe" in filled and not survivor.temperature_overridden:
        from imbuto.leads.lifecycle import temperature_for

        new_temp = temperature_for(survivor.purchase_timeframe)
        if new_temp != survivor.temperature:
            filled["temperature"] = [survivor.temperature, new_temp]
            survivor.temperature = new_temp
    return filled, differing


def lead_values(lead: Lead) -> dict[str, Any]:
    """The foldable values of a lead, as `fold` takes them."""
    return {name: getattr(lead, name) for name in (*VALUE_FIELDS, *REF_FIELDS)}


def _unique_sets(model: Any, field_name: str) -> list[list[str]]:
    sets = [list(c.fields) for c in model._meta.constraints if getattr(c, "fields", None)
            and getattr(c, "condition", None) is None and field_name in c.fields]
    sets += [list(u) for u in model._meta.unique_together if field_name in u]
    return sets


def _repoint_duplicates(survivor: Lead, merged: Lead, actor: Actor) -> int:
    """Open pairs move to the survivor; the pair of the two merged leads is closed as merged."""
    now = timezone.now()
    pair = (DuplicateCandidate.objects.filter(lead__in=[survivor.pk, merged.pk],
                                              candidate__in=[survivor.pk, merged.pk]))
    by = actor if getattr(actor, "pk", None) else None
    pair.filter(status=DuplicateStatus.OPEN).update(status=DuplicateStatus.MERGED, resolved_at=now,
                                                    resolved_by=by)
    moved = 0
    existing = {frozenset(p) for p in DuplicateCandidate.objects.filter(lead=survivor.pk)
                .values_list("lead_id", "candidate_id")}
    existing |= {frozenset(p) for p in DuplicateCandidate.objects.filter(candidate=survivor.pk)
                 .values_list("lead_id", "candidate_id")}
    rows = DuplicateCandidate.objects.filter(lead=merged.pk).exclude(candidate=survivor.pk)
    rows = list(rows) + list(DuplicateCandidate.objects.filter(candidate=merged.pk).exclude(lead=survivor.pk))
    for row in rows:
        other = row.candidate_id if row.lead_id == merged.pk else row.lead_id
        if frozenset((survivor.pk, other)) in existing:
            if row.status == DuplicateStatus.OPEN:
                row.status, row.resolved_at = DuplicateStatus.MERGED, now
                row.save(update_fields=["status", "resolved_at"])
            continue
        if row.lead_id == merged.pk:
            row.lead_id = survivor.pk
        else:
            row.candidate_id = survivor.pk
        row.save(update_fields=["lead", "candidate"])
        existing.add(frozenset((survivor.pk, other)))
        moved += 1
    return moved


def repoint_relations(survivor: Lead, merged: Lead, actor: Actor = None) -> dict[str, int]:
    """Move everything that points at `merged` (sources, engagement, match keys, chat sessions,
    referrals, leads merged into it earlier, and whatever later apps add) to `survivor`.

    Generic over Lead's reverse foreign keys, so activities or memberships added by later issues follow
    without a change here. A row the survivor already has an equal twin of (same unique key) is dropped
    instead of moved: it says nothing new (e.g. the same match key)."""
    counts = {"duplicates": _repoint_duplicates(survivor, merged, actor)}
    for rel in Lead._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and rel.one_to_many):
            continue
        model, fname = rel.related_model, rel.field.name
        if model is DuplicateCandidate or (model._meta.label_lower, fname) in SKIP_RELATIONS:
            continue
        manager = model._base_manager
        qs = manager.filter(**{fname: merged.pk})
        for fields in _unique_sets(model, fname):
            others = [f for f in fields if f != fname]
            twin = manager.filter(**{fname: survivor.pk}, **{o: OuterRef(o) for o in others})
            qs.filter(Exists(twin)).delete()
        n = qs.update(**{fname: survivor.pk})
        if n:
            counts[f"{model._meta.label_lower}.{fname}"] = n
    return counts
