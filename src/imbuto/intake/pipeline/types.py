"""The pipeline's public data: where a batch comes from and what happened to each record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("created", "merged", "flagged", "rejected")


@dataclass
class SourceRef:
    """Where a batch comes from; kept on every accepted record (LeadSource) for attribution."""

    kind: str                       # intake.models.SourceKind value
    channel: str | None = None      # channel slug; a record's own "channel" overrides
    campaign_id: int | None = None
    reference: str = ""             # API client, form key, chat session id, event id...
    import_job_id: int | None = None
    file_name: str = ""


@dataclass
class Memo:
    """Carried by a caller from one batch to the next (an import's chunks): match keys known to be too
    common to use, so they are not looked up again."""

    common_keys: set[str] = field(default_factory=set)
    # A dry run writes nothing, so what earlier chunks would have created is kept here (matcher records
    # under negative pseudo lead ids, and which of them hold each key) for later chunks to match.
    seen: list[dict[str, Any]] = field(default_factory=list)
    seen_keys: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class RecordResult:
    """The answer for one record. In a dry run the words are the same and nothing is written."""

    index: int
    outcome: str                    # created | merged | flagged | rejected
    lead_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    duplicate_of: int | None = None
    score: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "outcome": self.outcome, "lead_id": self.lead_id,
                "errors": self.errors, "warnings": self.warnings, "duplicate_of": self.duplicate_of,
                "score": self.score}


def summarize(results: list[RecordResult]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return counts
