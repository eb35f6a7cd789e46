"""Keep a lead's match keys current when a person edits it (LeadUpdated -> a task, receivers.py).

A lead's MatchKey rows are the union of the keys of its own values and of the keys of every record that
landed on it: incoming records folded in by the pipeline, and leads merged into it (their rows moved over
with the merge). After an edit the keys of the new values are added, and a key of the old values is
removed only when nothing else accounts for it.

Whether a key is still accounted for is decided from the merge log: LeadMerge keeps the values of every
incoming record folded into the lead (`incoming`) and points at every lead merged into it (whose values
are kept, and whose own merges are followed). Those keys are recomputed with today's normaliser and
blocking rules; a key that an older normaliser produced from such a record and today's no longer does is
not recognised, so the recomputation is generous (a record's values are keyed both as stored and
re-normalised) and removal is limited to the keys of the lead's own previous values. Everything else is
only ever added: the lead never stops being findable by a record that landed on it.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import transaction

# Lead fields the blocking keys are built from (directly or through the derived keys below).
IDENTITY_FIELDS = ("first_name", "last_name", "email", "phone", "vat_id", "tax_code", "company_name",
                   "website", "street", "postal_code", "city", "region", "country")
# Derived match keys stored on the lead, and the fields each is computed from. lead_update does not
# touch them, so a changed company name would otherwise keep answering to the old company.
DERIVED_FROM = {"domain": ("email", "website"), "company_key": ("company_name",),
                "name_key": ("first_name", "last_name")}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def own_keys(lead: Any) -> set[str]:
    """Keys of a lead's own values: as the matcher indexes a stored lead, and as an incoming record with
    the same values is keyed (a person may type a phone or an email any way; records are normalised)."""
    from .pipeline import matcher

    typed = {name: _text(getattr(lead, name, "")) for name in IDENTITY_FIELDS}
    return matcher.lead_keys(lead) | matcher.keys_of(matcher.normalize(typed))


def record_keys(values: dict[str, Any]) -> set[str]:
    """Keys an incoming record folded into a lead produced, from the values the merge log kept."""
    from .matching import blocking_keys
    from .pipeline import matcher
    from .pipeline.lookup import stored_key

    stored = matcher.existing_record({k: v for k, v in values.items() if k in matcher.MATCH_COLUMNS})
    typed = {k: v for k, v in values.items() if isinstance(v, str)}
    return {stored_key(k) for k in blocking_keys(stored)} | matcher.keys_of(matcher.normalize(typed))


def folded_keys(lead_id: int) -> set[str]:
    """Keys of every record merged into the lead, following leads merged into leads merged into it."""
    from .models import LeadMerge

    seen, frontier, keys = {lead_id}, [lead_id], set()
    while frontier:
        merges = LeadMerge.objects.filter(survivor_id__in=frontier).select_related("merged")
        frontier = []
        for merge in merges.iterator(chunk_size=500):
            if merge.merged_id is None:
                keys |= record_keys(merge.incoming or {})
            elif merge.merged_id not in seen:
                seen.add(merge.merged_id)
                frontier.append(merge.merged_id)
                keys |= own_keys(merge.merged)
    return keys


def _refresh_derived(lead: Any, changed: set[str]) -> None:
    """Recompute the derived keys whose source fields changed (quiet fields: no history, as the pipeline)."""
    from imbuto.leads.models import Lead

    from .pipeline import matcher

    stale = [name for name, sources in DERIVED_FROM.items() if changed.intersection(sources)]
    if not stale:
        return
    norm = matcher.normalize({name: _text(getattr(lead, name)) for name in IDENTITY_FIELDS})
    updates = {}
    for name in stale:
        value = norm.keys.get(name, "")[: Lead._meta.get_field(name).max_length]
        if value != getattr(lead, name):
            updates[name] = value
            setattr(lead, name, value)
    if updates:
        Lead.objects.filter(pk=lead.pk).update(**updates)


@transaction.atomic
def reindex_lead(lead_id: int, previous: dict[str, Any]) -> tuple[int, int]:
    """Bring a lead's match keys in line with its current values after an edit.

    `previous` holds the edited fields' old values. Returns (keys added, keys removed)."""
    from imbuto.leads.models import Lead

    from .models import MatchKey

    lead = Lead.objects.select_for_update().filter(pk=lead_id, merged_into__isnull=True).first()
    if lead is None:  # deleted, or merged away since (its keys moved to the survivor)
        return 0, 0
    changed = set(previous) & set(IDENTITY_FIELDS)
    old = copy.copy(lead)
    for name in changed:
        setattr(old, name, previous[name])
    _refresh_derived(lead, changed)
    new_keys = own_keys(lead)
    stored = set(MatchKey.objects.filter(lead_id=lead_id).values_list("key", flat=True))
    gone = (own_keys(old) - new_keys) & stored
    if gone:
        gone -= folded_keys(lead_id)
    if gone:
        MatchKey.objects.filter(lead_id=lead_id, key__in=gone).delete()
    added = sorted(new_keys - stored)
    MatchKey.objects.bulk_create([MatchKey(lead_id=lead_id, key=key) for key in added],
                                 ignore_conflicts=True)
    return len(added), len(gone)
