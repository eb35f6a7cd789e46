"""Intake's part of the demo data (registered in leads.extensions.DEMO_PARTS): demo leads look as if
they came through intake, with its normal forms, identity keys, match keys and a source row each.

So importing a list that contains a demo person finds the demo lead, as it would a real one, and
attribution sees demo leads like real ones.
"""

from __future__ import annotations

from typing import Any

from imbuto.leads.demo_load import NORMALIZED_FIELDS, insert_rows
from imbuto.leads.models import Lead

from .models import LeadSource, MatchKey, SourceKind
from .pipeline import matcher


class IntakeDemo:
    def prepare(self, leads: list[Lead]) -> list[set[str]]:
        """Normalise the leads in place; their match keys, stored by `store`."""
        keys = []
        for lead in leads:
            norm = matcher.normalize({f: getattr(lead, f) for f in NORMALIZED_FIELDS})
            for name, value in norm.values.items():
                if name in NORMALIZED_FIELDS and value:
                    setattr(lead, name, value)
            for name in ("domain", "company_key", "name_key"):
                setattr(lead, name, norm.keys.get(name, ""))
            lead.quality_flags = dict(norm.flags)
            keys.append(matcher.keys_of(norm))
        return keys

    def store(self, plan: Any, leads: list[Lead], state: list[set[str]]) -> dict[str, int]:
        insert_rows(MatchKey, ("lead", "key"),
                    [(lead.pk, k) for lead, ks in zip(leads, state, strict=True) for k in sorted(ks)])
        reference = f"imbuto demo --seed {plan.seed}"
        rows = [(lead.pk, lead.pk, SourceKind.DEMO.value, lead.channel_id, lead.campaign_id, reference,
                 "created", lead.created_at) for lead in leads]
        insert_rows(LeadSource, ("lead", "original_lead_id", "kind", "channel", "campaign", "reference",
                                 "outcome", "received_at"), rows)
        return {"sources": len(rows), "indexed": len(leads)}
