"""The write steps of the pipeline, each one bulk statement for the whole batch."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType

from imbuto.core import events, explain, history
from imbuto.core.models import HistoryEntry
from imbuto.core.types import Actor
from imbuto.leads.events import LeadCreated, LeadMerged
from imbuto.leads.models import Lead

from ..models import DuplicateCandidate, LeadMerge, LeadSource, MatchKey
from . import bulk, matcher
from .lookup import chunks
from .merge import VALUE_FIELDS, fold


def history_changes(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Relation ids under their field names ("channel", not "channel_id"), as the timeline reads them."""
    return {(k[:-3] if k.endswith("_id") else k): v for k, v in changes.items()}


if TYPE_CHECKING:
    from .item import Item
    from .types import SourceRef

LEAD_VALUE_FIELDS = frozenset(VALUE_FIELDS)
_MAX = {f.name: f.max_length for f in Lead._meta.concrete_fields if getattr(f, "max_length", None)}


def fit_lengths(values: dict[str, Any], item: Item) -> dict[str, Any]:
    """Never let a value overflow its column: cut it and say so (normalisation already should)."""
    for name, value in values.items():
        limit = _MAX.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            values[name] = value[:limit]
            flags = item.norm.flags if isinstance(item.norm.flags, dict) else {}
            flags.setdefault(name, f"value cut to {limit} characters")
    return values


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: history.jsonable(v) for k, v in values.items() if v not in (None, "")}


def _load_targets(items: list[Item]) -> dict[int, Lead]:
    """Existing leads that records merge into, locked in id order (no deadlock with other writers)."""
    ids = sorted({i.final[1] for i in items if i.final[0] == "existing"})
    targets: dict[int, Lead] = {}
    for part in chunks(ids):
        targets.update({lead.pk: lead for lead in Lead.objects.select_for_update().filter(id__in=part)
                        .order_by("id")})
    moved = {t.merged_into_id for t in targets.values() if t.merged_into_id}
    if moved:  # merged by a person since the candidate query: follow to the survivor
        survivors = {lead.pk: lead for lead in Lead.objects.select_for_update().filter(id__in=moved)}
        for pk, lead in list(targets.items()):
            if lead.merged_into_id:
                targets[pk] = survivors[lead.merged_into_id]
    return targets


def persist(items: list[Item], *, actor: Actor, source: SourceRef, row_numbers: list[int] | None,
            now: Any, indexed: set[int], common: frozenset[str] | set[str] = frozenset()) -> None:
    """Write the batch: leads, sources, merges, match keys, duplicate pairs, history; then events."""
    targets = _load_targets(items)
    touched: dict[int, set[str]] = defaultdict(set)
    for item in items:
        if item.final[0] == "existing":
            lead = targets[item.final[1]]
            item.filled, item.differing = fold(lead, item.values, item.norm.flags)
            item.lead = lead
            touched[lead.pk].update(item.filled)
    new_leads = [i.lead for pos, i in enumerate(items) if i.final == ("new", pos)]
    bulk.insert(Lead, new_leads, returning=True)
    sources = _sources(items, source, row_numbers, now)
    merges = _merges(items, sources, actor, now)
    _update_targets(targets, touched, now)
    _match_keys(items, targets, indexed, common)
    _duplicates(items, now)
    _history(items, new_leads, merges, actor=actor, source=source, now=now)
    actor_id = events.actor_id_of(actor)
    if new_leads:
        events.emit(LeadCreated(lead_ids=tuple(lead.pk for lead in new_leads), indexed=True,
                                via=str(source.kind), actor_id=actor_id))
    # records folded into leads of this same batch are part of their creation, not news about a lead
    existing = {lead.pk for lead in targets.values()}
    folded = [m for m in merges if m.survivor_id in existing]
    if folded:
        events.emit(LeadMerged(lead_ids=tuple(sorted({m.survivor_id for m in folded})),
                               merge_ids=tuple(m.pk for m in folded), via=str(source.kind),
                               actor_id=actor_id))


def _outcome(item: Item, pos: int) -> str:
    if item.final == ("new", pos):
        return "flagged" if item.action == "flag" else "created"
    return "merged"


SOURCE_COLUMNS = ("lead_id", "original_lead_id", "kind", "channel_id", "campaign_id", "reference",
                  "import_job_id", "file_name", "row_number", "outcome", "received_at", "payload")


def _sources(items: list[Item], source: SourceRef, row_numbers: list[int] | None, now: Any) -> list[int]:
    """One LeadSource per accepted record; returns their ids in item order."""
    reference, file_name = source.reference[:200], source.file_name[:255]
    rows = [
        (item.lead.pk, item.lead.pk, source.kind, item.channel_id, item.campaign_id, reference,
         source.import_job_id, file_name, row_numbers[item.index] if row_numbers is not None else None,
         _outcome(item, pos), now, item.checked.payload)
        for pos, item in enumerate(items)
    ]
    return bulk.insert_rows(LeadSource, SOURCE_COLUMNS, rows, returning=True)


def _merges(items: list[Item], sources: list[int], actor: Actor, now: Any) -> list[LeadMerge]:
    rows = []
    for pos, (item, src) in enumerate(zip(items, sources, strict=True)):
        if item.final == ("new", pos):
            continue
        rows.append(LeadMerge(
            survivor_id=item.lead.pk, merged=None, source_id=src, at=now, automatic=True,
            actor=actor if getattr(actor, "pk", None) else None, score=item.score,
            rule="merge.incoming_folded", incoming=_jsonable(item.values),
            filled_values={k: history.jsonable(v[1]) for k, v in item.filled.items()},
            differing_values={k: [history.jsonable(x) for x in v] for k, v in item.differing.items()},
        ))
    bulk.insert(LeadMerge, rows, returning=True)
    return rows


def _update_targets(targets: dict[int, Lead], touched: dict[int, set[str]], now: Any) -> None:
    changed = [targets[pk] for pk, fields in touched.items() if fields]
    for lead in changed:
        lead.updated_at = now
    # Touched names may be attnames (owner_id): the field's name, not a cut suffix (external_id is a
    # text field of its own).
    bulk.update(Lead, changed,
                lambda lead: {Lead._meta.get_field(f).name for f in touched[lead.pk]} | {"updated_at"})


def _match_keys(items: list[Item], targets: dict[int, Lead], indexed: set[int],
                common: frozenset[str] | set[str]) -> None:
    """Each lead gets the keys of every record that landed on it, so later variants find it; a lead
    found only by an exact value (created outside the pipeline) gets its own keys too. Keys of new
    leads cannot exist yet and go straight in; keys added to existing leads may, and are deduplicated.
    Fuzzy keys known to be too common (shared by more leads than the matcher looks at) are not written:
    they can never bring a candidate, and in a large database they are most of the name keys."""
    existing = {lead.pk for lead in targets.values()}
    fresh: set[tuple[int, str]] = set()
    known: set[tuple[int, str]] = set()
    for item in items:
        (known if item.lead.pk in existing else fresh).update(
            (item.lead.pk, key) for key in item.keys if key not in common)
    for lead in targets.values():
        if lead.pk not in indexed:
            known.update((lead.pk, key) for key in matcher.lead_keys(lead))
    bulk.insert_rows(MatchKey, ("lead_id", "key"), sorted(fresh))
    bulk.insert_rows(MatchKey, ("lead_id", "key"), sorted(known), ignore_conflicts=True)


def _duplicates(items: list[Item], now: Any) -> None:
    rows = []
    for item in items:
        if item.flag_target is None or item.action != "flag":
            continue
        kind, ref = item.flag_target
        other = ref if kind == "existing" else items[ref].lead.pk
        if other == item.lead.pk:
            continue
        rows.append(DuplicateCandidate(lead_id=item.lead.pk, candidate_id=other, score=item.score or 0.0,
                                       reasons=item.reasons, created_at=now))
    bulk.insert(DuplicateCandidate, rows, ignore_conflicts=True)


HISTORY_COLUMNS = ("object_type_id", "object_id", "action", "actor_id", "actor_label", "at", "changes",
                   "reason", "reason_code", "reason_params", "data")


def _record_many(leads: list[Lead], *, actor: Actor, action: str, why: dict[str, Any], now: Any,
                 changes_for: Any, data_for: Any) -> None:
    """The entries core.history.record writes, one per lead, through the pipeline's plain insert
    (the ORM's bulk_create costs about as much as the rest of the write steps together)."""
    if not leads:
        return
    ct = ContentType.objects.get_for_model(Lead).pk
    actor_id, label = getattr(actor, "pk", None), history.actor_label(actor)
    rows = [(ct, lead.pk, action, actor_id, label, now,
             history.jsonable_changes(changes_for(lead)),
             "", why["code"], why["params"], data_for(lead)) for lead in leads]
    bulk.insert_rows(HistoryEntry, HISTORY_COLUMNS, rows)


def _history(items: list[Item], new_leads: list[Lead], merges: list[LeadMerge], *, actor: Actor,
             source: SourceRef, now: Any) -> None:
    # A note in the reader's language, never "intake: import (file.csv)" (core.explain).
    why = (explain.explanation("intake.received_file", source=source.kind, file=source.file_name)
           if source.file_name else explain.explanation("intake.received", source=source.kind))
    flagged = {item.lead.pk: item for item in items if item.action == "flag" and item.flag_target}
    _record_many(
        new_leads, actor=actor, action="created", why=why, now=now,
        changes_for=lambda lead: {"stage": [None, lead.stage]},
        data_for=lambda lead: {"source": source.kind, "channel": lead.channel_id,
                               "campaign": lead.campaign_id, "file_name": source.file_name or None,
                               "possible_duplicate_score": getattr(flagged.get(lead.pk), "score", None)},
    )
    if not merges:
        return
    by_lead: dict[int, list[tuple[Item, LeadMerge]]] = defaultdict(list)
    merged_items = [i for pos, i in enumerate(items) if i.final != ("new", pos)]
    for item, merge in zip(merged_items, merges, strict=True):
        by_lead[item.lead.pk].append((item, merge))
    survivors = [pairs[0][0].lead for pairs in by_lead.values()]

    def changes_for(lead: Lead) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        for item, _ in by_lead[lead.pk]:
            for name, (old, new) in item.filled.items():
                out[name] = [out[name][0] if name in out else old, new]
        return history_changes(out)

    def data_for(lead: Lead) -> dict[str, Any]:
        return {"automatic": True, "source": source.kind, "merges": [
            {"merge": m.pk, "score": m.score, "differing": m.differing_values} for _, m in by_lead[lead.pk]]}

    _record_many(survivors, actor=actor, action="merged", why=why, now=now, changes_for=changes_for,
                 data_for=data_for)
