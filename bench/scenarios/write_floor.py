"""The floor under the bulk-import target: what only writing the rows costs, with no pipeline at all.

Every accepted record leaves a lead (with the lead table's indexes), its match keys, one source row
(attribution) and one history entry. Here those rows are built beforehand, with the pipeline's own
normalisation and keys for the import_bulk generator's people, and only their COPY into the migrated
PostgreSQL schema is timed, per table, after a base of leads already there. No validation, lookup,
matching, merging or events: any import that keeps what the issue asks it to keep costs at least this.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

DESCRIPTION = "COPY of the rows an accepted lead leaves (lead, match keys, source, history), nothing else"

BASE, TIMED, STEP = 100_000, 40_000, 20_000
SOURCE_COLUMNS = ["lead_id", "original_lead_id", "kind", "channel_id", "reference", "file_name", "row_number",
                  "outcome", "received_at", "payload"]
HISTORY_COLUMNS = ["object_type_id", "object_id", "action", "actor_label", "at", "changes", "reason",
                   "reason_code", "reason_params", "data"]


def _generator() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import import_bulk

    return import_bulk


def _ids(conn: Any) -> tuple[int, int]:
    """(content type of leads.lead, channel purchased-list) in the fresh database."""
    ct = conn.execute("SELECT id FROM django_content_type WHERE app_label = 'leads' AND model = 'lead'"
                      ).fetchone()
    channel = conn.execute("SELECT id FROM leads_channel WHERE slug = 'purchased-list'").fetchone()
    return ct[0], channel[0]


def _load(gen: Any, conn: Any, first_id: int, n: int, split: Counter[str]) -> None:
    from imbuto.core.models import HistoryEntry
    from imbuto.intake.models import LeadSource, MatchKey
    from imbuto.leads.models import Lead

    columns, defaults = gen._lead_columns()
    ct, channel = _ids(conn)
    defaults["channel_id"] = channel
    now = dt.datetime.now(dt.UTC).isoformat()
    next_id = first_id
    for start in range(first_id - 1, first_id - 1 + n, STEP):
        leads, keys, sources, history = [], [], [], []
        for values, lead_keys in gen._normalise_chunk((start, min(start + STEP, first_id - 1 + n))):
            row = {**defaults, **values}
            leads.append([next_id] + [gen._db_value(row.get(c)) for c in columns])
            keys.extend((next_id, k) for k in lead_keys)
            sources.append((next_id, next_id, "import", channel, "", "floor.csv", next_id, "created", now,
                            "{}"))
            history.append((ct, next_id, "created", "", now, json.dumps({"stage": [None, "suspect"]}),
                            "intake: import", "", "{}", "{}"))
            next_id += 1
        for name, table, cols, rows in (
                ("leads", Lead._meta.db_table, ["id", *columns], leads),
                ("match_keys", MatchKey._meta.db_table, ["lead_id", "key"], keys),
                ("sources", LeadSource._meta.db_table, SOURCE_COLUMNS, sources),
                ("history", HistoryEntry._meta.db_table, HISTORY_COLUMNS, history)):
            t0 = time.perf_counter()
            gen._bulk("postgres", conn, table, cols, rows)
            split[name] += time.perf_counter() - t0
        split["key_rows"] += len(keys)


def run(ctx: Any) -> dict:
    if not ctx.databases.get("postgres"):
        raise SystemExit("write_floor needs PostgreSQL")
    gen = _generator()
    base, timed = (10_000, 4_000) if ctx.quick else (BASE, TIMED)
    url = ctx.fresh_database("postgres")
    conn = gen._connect("postgres", url)
    ctx.log(f"base: {base:,} leads")
    _load(gen, conn, 1, base, Counter())
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")
    conn.autocommit = False
    ctx.log(f"timed: {timed:,} more")
    split: Counter[str] = Counter()
    _load(gen, conn, base + 1, timed, split)
    conn.close()
    per_lead = {k: round(split[k] * 1e6 / timed) for k in ("leads", "match_keys", "sources", "history")}
    total = sum(per_lead.values())
    return {
        "summary": (f"{total} µs a lead for its rows alone ({per_lead['leads']} lead, "
                    f"{per_lead['match_keys']} match keys, {per_lead['sources']} source, "
                    f"{per_lead['history']} history) into {base:,} leads: 1,000,000 rows >= {total} s"),
        "databases": ["postgres"], "base_leads": base, "timed_leads": timed,
        "match_keys_per_lead": round(split["key_rows"] / timed, 1),
        "us_per_lead": {**per_lead, "total": total},
    }
