"""Match keys of leads made outside the pipeline (the lead form, the CLI, demo data), stored by a task
after the LeadCreated event (receivers.py) so the fuzzy matcher finds them too; and how a person's
typed identity values are cleaned as intake cleans a record's."""

from __future__ import annotations

from typing import Any

BATCH = 2000


def index_leads(lead_ids: list[int]) -> int:
    """Store the match keys of the given leads that have none yet; returns how many leads were indexed."""
    from imbuto.leads.models import Lead

    from .models import MatchKey
    from .pipeline import matcher

    indexed = 0
    for start in range(0, len(lead_ids), BATCH):
        part = lead_ids[start:start + BATCH]
        leads = list(Lead.objects.filter(id__in=part, match_keys__isnull=True, merged_into__isnull=True))
        rows = [MatchKey(lead_id=lead.pk, key=key)
                for lead in leads for key in sorted(matcher.lead_keys(lead))]
        MatchKey.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        indexed += len(leads)
    return indexed


def index_unindexed(limit: int | None = None) -> int:
    """Backfill: index every live lead without match keys (after a bulk load that bypassed intake)."""
    from imbuto.leads.models import Lead

    ids = list(Lead.objects.filter(match_keys__isnull=True, merged_into__isnull=True)
               .values_list("id", flat=True)[:limit])
    return index_leads(ids)


# Identity values a person types into a lead, cleaned as intake cleans a record's.
EDIT_FIELDS = ("email", "phone", "vat_id", "tax_code", "website", "country")


def normalise_edit(lead: Any, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values with the typed identity fields normalised, {field: why} for those kept as typed)."""
    from .pipeline import matcher

    typed = {f: v for f, v in values.items() if f in EDIT_FIELDS and isinstance(v, str) and v.strip()}
    if not typed:
        return values, {}
    norm = matcher.normalize({"country": getattr(lead, "country", "") or "", **typed})
    out, flagged = dict(values), {}
    for name in typed:
        if name in norm.flags:
            flagged[name] = norm.flags[name]
        elif norm.values.get(name):
            out[name] = norm.values[name]
    return out, flagged


def register_edit_normaliser() -> None:
    from imbuto.leads import services as lead_services

    lead_services.register_edit_normaliser(normalise_edit)
