"""The one intake pipeline (issue #3): every channel hands its records to `ingest`.

    results = ingest(records, actor=user, source=SourceRef(kind="import", file_name="fair.csv"),
                     row_numbers=[2, 3, 4])

See docs/intake.md for the steps, the survivor rule, the thresholds and the guarantees.
"""

from .engine import ingest
from .types import OUTCOMES, Memo, RecordResult, SourceRef, summarize

__all__ = ["OUTCOMES", "Memo", "RecordResult", "SourceRef", "ingest", "summarize"]
