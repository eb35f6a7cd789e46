"""The intake pipeline: validate -> normalise -> candidates -> match -> create / merge / flag ->
classify -> sources, match keys, history -> events. Set-based: a fixed number of queries per batch.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.core.types import Actor
from imbuto.leads import fields as lead_fields
from imbuto.leads.assignment import assignment
from imbuto.leads.choices import Stage, Timeframe
from imbuto.leads.lifecycle import temperature_for
from imbuto.leads.models import Lead

from . import bulk, lookup, matcher, write
from .item import Item
from .merge import fold
from .refs import DEFAULT_CHANNEL, Refs, resolve
from .types import Memo, RecordResult, SourceRef
from .validate import LOOSE_CHOICES, Checked, check_record

IDENTITY_KEYS = ("domain", "company_key", "name_key")
MAX_SEEN = 200_000  # records a dry run keeps for its later chunks to match (about 200 MB at most)
# Text fields the normaliser does not touch: stored as validated (trimmed, NUL-free).
PLAIN_TEXT = frozenset(lead_fields.names(kind="plain"))


def _values(item: Item, owner: Any, team_id: int | None) -> dict[str, Any]:
    """Lead column values of one record: normalised values, derived keys, references, classification."""
    norm, extra = item.norm, item.checked.extra
    values: dict[str, Any] = {}
    for name, value in norm.values.items():
        if name in write.LEAD_VALUE_FIELDS and value not in (None, ""):
            values[name] = value
    for name, value in item.checked.values.items():  # text the normaliser leaves alone (utm_*, ...)
        if name not in values and name not in (norm.flags or {}) and name in PLAIN_TEXT:
            values[name] = value
    for name in IDENTITY_KEYS:
        if norm.keys.get(name) and not values.get(name):
            values[name] = norm.keys[name]
    if extra.get("consent_basis"):
        values["consent_basis"] = extra["consent_basis"]
    for name, allowed in LOOSE_CHOICES.items():
        if name in values and values[name] not in allowed:
            values.pop(name)
    values.setdefault("purchase_timeframe", Timeframe.UNKNOWN)
    if item.checked.consent_at:
        values["consent_at"] = item.checked.consent_at
    values["channel_id"] = item.channel_id
    values["campaign_id"] = item.campaign_id
    values["owner_id"] = getattr(owner, "pk", None)
    values["team_id"] = team_id
    return write.fit_lengths(values, item)


def _prepare(records: list[Any], source: SourceRef, results: list[RecordResult | None]) -> list[Item]:
    """Validate, resolve references (one query each), normalise. Rejections go into `results`."""
    checked: list[tuple[int, Checked]] = []
    for index, raw in enumerate(records):
        ok, errors = check_record(raw)
        if ok is None:
            results[index] = RecordResult(index, "rejected", errors=errors)
        else:
            checked.append((index, ok))
    if not checked:
        return []
    campaign_refs = {c.refs["campaign"] for _, c in checked if "campaign" in c.refs}
    if source.campaign_id is not None:
        campaign_refs.add(source.campaign_id)
    slugs = {str(c.refs["channel"]) for _, c in checked if "channel" in c.refs}
    slugs |= {s for s in (source.channel, DEFAULT_CHANNEL.get(source.kind)) if s}
    refs = Refs(slugs, campaign_refs)
    items: list[Item] = []
    for index, ok in checked:
        channel_id, campaign_id, errors = resolve(
            refs, ok.refs, source_channel=source.channel, source_kind=source.kind,
            source_campaign=source.campaign_id)
        if errors:
            results[index] = RecordResult(index, "rejected", errors=errors)
            continue
        norm = matcher.normalize(ok.values)
        prepared, raw_keys = matcher.prepared_keys(norm)
        items.append(Item(index, ok, norm, channel_id, campaign_id,
                          keys={lookup.stored_key(k) for k in raw_keys}, prepared=(prepared, raw_keys)))
    return items


def _match(items: list[Item], policy: Any, *, lock: bool, memo: Memo | None = None) -> set[int]:
    """Lock (if writing), find candidates with one key query and one exact query, decide each record.

    Returns the ids of candidate leads that already have match keys."""
    keys = set().union(*(i.keys for i in items))
    if lock:
        lookup.lock_keys(keys)
    # As normalised and all lower-case: leads stored either way are found on the email index.
    emails = {e for i in items if (v := i.values.get("email")) and "@" in v for e in (v, v.lower())}
    phones = {v for i in items if (v := i.values.get("phone")) and v.startswith("+")}
    vats = {v for i in items if (v := i.values.get("vat_id"))}
    by_key, exact_found = lookup.candidates(keys, emails=emails, phones=phones, vats=vats,
                                            max_block=getattr(policy, "max_block", 0),
                                            common=memo.common_keys if memo is not None else None)
    found = lookup.shortlist((i.keys for i in items), by_key,
                             max_candidates=getattr(policy, "max_candidates", 30),
                             max_single_key=getattr(policy, "max_single_key", 3))
    for pk in exact_found:
        found.setdefault(pk, set())
    rows: list[dict[str, Any]] = []
    for row in lookup.live_rows(sorted(found), matcher.MATCH_COLUMNS):
        shared = found[row["id"]]
        if shared:  # the keys it shares are known: the matcher need not recompute its keys
            row["match_keys"] = shared
        rows.extend(matcher.with_aliases(row, shared))
    if not lock and memo is not None:
        rows.extend(_seen_rows(memo, keys))
    decisions = matcher.match([i.norm for i in items], rows, policy, [i.prepared for i in items])
    if not lock and memo is not None:
        _remember(memo, items, decisions)
    for pos, (item, decision) in enumerate(zip(items, decisions, strict=True)):
        item.score, item.reasons = decision.score, decision.reasons or {}
        target = decision.target
        if decision.action == "merge" and target is not None:
            item.action = "merge"
            if target[0] == "existing":
                item.final = ("existing", int(target[1]))
            else:
                item.final = items[int(target[1])].final
        else:
            item.final = ("new", pos)
            if decision.action == "flag" and target is not None:
                item.action = "flag"
                item.flag_target = ((target[0], int(target[1])) if target[0] == "existing"
                                    else items[int(target[1])].final)
    return {pk for pk, shared in found.items() if shared}


def _seen_rows(memo: Memo, keys: set[str]) -> list[dict[str, Any]]:
    """Records earlier chunks of a dry run would have created or merged that share a key with this one."""
    positions = sorted({pos for key in keys for pos in memo.seen_keys.get(key, ())})
    return [memo.seen[pos] for pos in positions]


def _remember(memo: Memo, items: list[Item], decisions: list[Any]) -> None:
    """A dry run's chunk as the import would leave it: each record under the (pseudo, negative) id of the
    lead it would create or join, so the preview of the next chunk sees what the import will."""
    if len(memo.seen) >= MAX_SEEN:
        return  # a dry run of a huge file stays bounded in memory; later rows see the first MAX_SEEN
    pseudo: list[int] = []
    for item, decision in zip(items, decisions, strict=True):
        target = decision.target
        if decision.action == "merge" and target is not None:
            lead = int(target[1]) if target[0] == "existing" else pseudo[int(target[1])]
        else:
            lead = -(len(memo.seen) + 1)
        pseudo.append(lead)
        position = len(memo.seen)
        memo.seen.append({**item.norm.match_record(), "id": lead, "match_keys": item.keys})
        for key in item.keys:
            memo.seen_keys.setdefault(key, []).append(position)


def _classify(items: list[Item], now: Any, actor: Actor) -> list[Lead]:
    """New leads: suspect unless the record says more; temperature from the purchase timeframe."""
    rows = []
    for item in items:
        extra = item.checked.extra
        derived = temperature_for(item.values.get("purchase_timeframe"))
        temperature = extra.get("temperature") or derived
        rows.append({**item.values, "stage": extra.get("stage") or Stage.SUSPECT, "stage_changed_at": now,
                     "temperature": temperature, "temperature_overridden": temperature != derived,
                     "quality_flags": dict(item.norm.flags or {}), "created_at": now, "updated_at": now,
                     "created_by_id": getattr(actor, "pk", None)})
    return bulk.build(Lead, rows)


def _results(items: list[Item], results: list[RecordResult | None], *, dry_run: bool) -> None:
    for pos, item in enumerate(items):
        warnings = {k: [str(v)] if isinstance(v, str) else [str(m) for m in v]
                    for k, v in (item.norm.flags or {}).items()}
        if item.final == ("new", pos):
            lead_id = None if dry_run else item.lead.pk
            dup = None
            if item.flag_target is not None:
                kind, ref = item.flag_target
                dup = ref if kind == "existing" else (None if dry_run else items[ref].lead.pk)
                dup = dup if dup is None or dup > 0 else None  # a lead an earlier chunk of the dry run made
            results[item.index] = RecordResult(item.index, "flagged" if item.action == "flag" else "created",
                                               lead_id, {}, warnings, dup,
                                               item.score if item.action == "flag" else None)
        else:
            kind, ref = item.final
            lead_id = ref if kind == "existing" else (None if dry_run else items[ref].lead.pk)
            lead_id = lead_id if lead_id is None or lead_id > 0 else None
            results[item.index] = RecordResult(item.index, "merged", lead_id, {}, warnings, lead_id,
                                               item.score)


def ingest(records: list[Any], *, actor: Actor, source: SourceRef, row_numbers: list[int] | None = None,
           dry_run: bool = False, policy: Any = None, owner: Any = None, team_id: int | None = None,
           memo: Memo | None = None) -> list[RecordResult]:
    """Take a batch of raw records through the pipeline; one result per record, in input order.

    `memo` is what a caller ingesting many batches in a row (an import) carries from one to the next."""
    # Who may create, and who owns the batch's new leads: the one assignment rule, once per batch.
    permissions.require(actor, "create", "leads.lead", message=_("You may not create leads."))
    default_team = team_id
    owner, team_id = assignment(actor=actor, owner=owner)
    if owner is None and team_id is None:
        team_id = default_team  # a set-up's default team: its queue, for its manager to assign
    if row_numbers is not None and len(row_numbers) != len(records):
        raise ValueError("row_numbers must have one entry per record")
    results: list[RecordResult | None] = [None] * len(records)
    items = _prepare(records, source, results)
    for item in items:
        item.values = _values(item, owner, team_id)
    if items:
        policy = policy or matcher.default_policy()
        if dry_run:
            _match(items, policy, lock=False, memo=memo)
        else:
            with transaction.atomic():
                indexed = _match(items, policy, lock=True, memo=memo)
                now = timezone.now()
                new = [item for pos, item in enumerate(items) if item.final == ("new", pos)]
                for item, lead in zip(new, _classify(new, now, actor), strict=True):
                    item.lead = lead
                for item in items:
                    if item.final[0] == "new" and item.lead is None:
                        survivor = items[item.final[1]].lead
                        item.filled, item.differing = fold(survivor, item.values, item.norm.flags)
                        item.lead = survivor
                write.persist(items, actor=actor, source=source, row_numbers=row_numbers, now=now,
                              indexed=indexed, common=memo.common_keys if memo is not None else frozenset())
        _results(items, results, dry_run=dry_run)
    return [r for r in results if r is not None]
