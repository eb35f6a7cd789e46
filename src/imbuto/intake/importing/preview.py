"""The web preview of an import, computed once and stored on the job (issue 8, finding 5).

The dry run of the first rows happens when the file is uploaded and when its mapping changes; the
preview page only reads the stored result. It is bounded in rows read (blank ones included), in
consecutive blank rows and in time, so no file can hold a web thread for long.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import get_language

from imbuto.core.types import Actor

from ..models import ImportJob
from . import columns, reader, runner

PREVIEW_ROWS = 20  # rows whose outcome is shown
BOUNDS = runner.ScanBounds(rows=10_000, blank_run=1_000, seconds=10.0)


def preview_compute(*, actor: Actor, job: ImportJob) -> dict[str, Any]:
    """Run the bounded dry run of `job`'s first rows and store it on the job."""
    data: dict[str, Any] = {"language": get_language(), "mapping": job.mapping, "problem": "", "note": ""}
    try:
        info, plan, summary, tally = runner.dry_run(
            actor=actor, path=job.file_path, file_name=job.file_name, campaign=job.campaign,
            channel=job.channel, manual=job.mapping, limit=PREVIEW_ROWS, bounds=BOUNDS)
    except (reader.FileProblem, columns.MappingError, OSError) as exc:
        data.update(problem=str(exc), columns=[{"index": i, "header": h, "field": f, "how": ""}
                                                for i, (h, f) in enumerate(job.mapping.items())])
    else:
        data.update(
            info={"encoding_label": info.encoding_label, "delimiter": info.delimiter,
                  "delimiter_label": info.delimiter_label},
            summary={"created": summary.created, "merged": summary.merged, "flagged": summary.flagged,
                     "rejected": summary.rejected},
            note=summary.note, previews=tally.previews, unmapped=plan.unmapped,
            columns=[{"index": c.index, "header": c.header, "field": c.field, "how": c.how}
                     for c in plan.columns])
    data = json.loads(json.dumps(data, default=str))  # lazy translations and the like, as text
    kept = {lang: p for lang, p in (job.preview or {}).items() if p.get("mapping") == job.mapping}
    job.preview = kept | {data["language"]: data}  # one per language: its notes are text in it
    ImportJob.objects.filter(pk=job.pk).update(preview=job.preview)
    return data


def preview_of(*, actor: Actor, job: ImportJob) -> dict[str, Any]:
    """The stored preview in the reader's language; computed only when missing (older jobs, a new
    mapping, the first reader in that language)."""
    stored = (job.preview or {}).get(get_language()) or {}
    if stored.get("mapping") != job.mapping:
        return preview_compute(actor=actor, job=job)
    return stored


def headers_of(job: ImportJob) -> list[str]:
    """The headers in the order the preview's mapping form numbers them (col-0, col-1, ...). Not the
    mapping's own key order: PostgreSQL's jsonb does not keep the order of an object's keys."""
    for data in (job.preview or {}).values():
        if data.get("columns"):
            return [c["header"] for c in sorted(data["columns"], key=lambda c: c["index"])]
    return list(job.mapping)
