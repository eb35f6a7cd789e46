"""The pipeline's only contact with normalisation and matching (helper modules normalize/matching).

Kept in one small adapter so the pipeline steps do not depend on how those modules spell things.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ..matching import Decision, MatchPolicy, blocking_keys, match_batch
from ..matching.blocking import keys_for
from ..matching.compare import Prepared, counted_values, prepare
from ..matching.frequency import Frequencies
from ..normalize import Normalized, normalize_record
from .lookup import stored_key

__all__ = ["Decision", "MatchPolicy", "Prepared", "default_policy", "existing_record", "keys_of", "lead_keys",
           "match", "normalize", "prepared_keys"]
# Lead columns a matcher record of an existing lead is built from.
MATCH_COLUMNS = ("id", "first_name", "last_name", "email", "phone", "vat_id", "tax_code", "company_name",
                 "website", "domain", "company_key", "name_key", "street", "postal_code", "city",
                 "region", "country", "quality_flags")


def default_policy() -> MatchPolicy:
    """Thresholds from settings (IMBUTO_MATCH_AUTO_MERGE / IMBUTO_MATCH_REVIEW) or the matcher's."""
    policy = MatchPolicy()
    auto = getattr(settings, "IMBUTO_MATCH_AUTO_MERGE", None)
    review = getattr(settings, "IMBUTO_MATCH_REVIEW", None)
    if auto is not None:
        policy.auto_merge = float(auto)
    if review is not None:
        policy.review = float(review)
    from django.db import DatabaseError

    try:
        policy.weights = current_weights()[0]  # learned from this instance's review queue, if adopted
    except DatabaseError:  # a database not migrated yet: the default weights
        policy.weights = None
    return policy


_weights: dict[str, Any] = {}


def current_weights() -> tuple[dict[str, dict[str, float]] | None, int]:
    """(weights of the newest adopted intake.MatchModel or None for the defaults, decisions they learned
    from). One small query for that version's id; its weights are read again only when it changes."""
    from ..models import MatchModel

    newest = MatchModel.objects.filter(adopted=True).order_by("-id").values_list("id", flat=True).first()
    if _weights.get("id", -1) != newest:
        model = MatchModel.objects.filter(pk=newest).first() if newest is not None else None
        _weights.update(id=newest, weights=model.weights if model else None,
                        decisions=model.decisions if model else 0)
    return _weights["weights"], _weights["decisions"]


def normalize(values: dict[str, str]) -> Normalized:
    return normalize_record(values, default_region=settings.IMBUTO_DEFAULT_REGION)


def keys_of(norm: Normalized) -> set[str]:
    """Blocking keys of a normalised record, as stored in MatchKey."""
    return {stored_key(k) for k in blocking_keys(norm.match_record())}


def prepared_keys(norm: Normalized) -> tuple[Prepared, set[str]]:
    """(the record folded for the matcher, its blocking keys as computed): what keys_of and match need,
    worked out once per record instead of once for the keys and again in the matcher."""
    prepared = prepare(norm.match_record())
    return prepared, keys_for(prepared)


def existing_record(row: dict[str, Any]) -> dict[str, Any]:
    """A stored lead as the matcher sees it: values it flagged as invalid do not take part."""
    record = {k: v for k, v in row.items() if k != "quality_flags" and v is not None}
    for name in row.get("quality_flags") or {}:
        if name in record and name != "id":
            record[name] = ""
    return record


def lead_keys(lead: Any) -> set[str]:
    """Blocking keys of a stored lead (to index a lead that never had match keys, or a merge)."""
    from .merge import lead_values

    record = existing_record({"id": lead.pk, **lead_values(lead), "quality_flags": lead.quality_flags})
    return {stored_key(k) for k in blocking_keys(record)}


# Exact key prefixes (matching.blocking) and the field each one stands for.
EXACT_FIELDS = {"e:": "email", "p:": "phone", "v:": "vat_id", "t:": "tax_code"}


def with_aliases(row: dict[str, Any], shared: set[str]) -> list[dict[str, Any]]:
    """The lead as stored, plus one variant per exact identity it is also known by (the email or phone
    of a record merged into it earlier), so such a record matches it as strongly as the original."""
    variants = [row]
    for key in shared:
        field = EXACT_FIELDS.get(key[:2])
        if field is None:
            continue
        value = key[2:]
        own = (row.get(field) or "").lower()
        if value.lower() != own:
            variants.append({**row, field: value})
    return variants


SAMPLE_SIZE = 20_000   # leads counted for word and value frequencies
SAMPLE_SECONDS = 600   # how long a process keeps its count
_sample: dict[str, Any] = {}


def _lead_sample() -> Frequencies:
    """Word and value counts over the newest leads' company keys and address values: what is common among
    this instance's own records. Kept per process for a few minutes, and counted again sooner when the
    newest lead id moved on by more than the sample (or back: another database). An import's own rows
    are in the batch counts meanwhile, so counting the sample again after every chunk (about 0.6 s for
    20,000 leads) would change little but the import's speed."""
    import time

    from imbuto.leads.models import Lead

    now = time.monotonic()
    newest = Lead.objects.order_by("-id").values_list("id", flat=True).first() or 0
    known = _sample.get("newest", -1)
    if _sample.get("until", 0.0) < now or newest < known or newest - known > SAMPLE_SIZE:
        columns = ("company_key", "company_name", "city", "postal_code", "street", "region", "country")
        rows = list(Lead.objects.filter(merged_into__isnull=True).order_by("-id")
                    .values_list(*columns)[:SAMPLE_SIZE])
        counts = Frequencies()
        for row in rows:
            counts.add(*counted_values(*(v if v.__class__ is str else "" for v in row)))
        _sample.update(until=now + SAMPLE_SECONDS, newest=newest, counts=counts)
    sample: Frequencies = _sample["counts"]
    return sample


def match(batch: list[Normalized], existing: list[dict[str, Any]], policy: MatchPolicy,
          prepared: list[tuple[Prepared, set[str]]] | None = None) -> list[Decision]:
    """Decisions for a batch; `prepared` is prepared_keys() of each record when the caller has it."""
    if prepared is None:
        prepared = [prepared_keys(n) for n in batch]
    # A row without quality flags goes as it is: the matcher reads a missing value and None alike, so
    # existing_record's copy (tens of thousands of rows per import) would change nothing.
    rows = [existing_record(r) if r.get("quality_flags") else r for r in existing]
    return match_batch([], rows, policy, instance=_lead_sample(), prepared=prepared)
