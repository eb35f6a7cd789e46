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


def _load(gen: Any, conn: Any, first_id: int, n: int, split: Counter[str],
          keep: list[list[tuple[int, str]]] | None = None) -> None:
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
        if keep is not None:
            keep.append(keys)


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
    timed_keys: list[list[tuple[int, str]]] = []
    _load(gen, conn, base + 1, timed, split, timed_keys)
    variants = _variants(conn, base, timed, timed_keys, ctx.log, rounds=1 if ctx.quick else 3)
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
        "match_key_variants": variants,
    }


# What the match keys would cost stored otherwise, or fewer of them (issue #12, "Cost"): each variant gets
# the same base (copied from the real table in SQL) and the same timed leads' keys, COPYed in the same
# chunks; µs per lead. Not what the product does: figures to decide by.
_ROWS = "(lead_id bigint NOT NULL, key varchar(120) NOT NULL, {extra})"
_FK = "REFERENCES leads_lead (id) DEFERRABLE INITIALLY DEFERRED"
VARIANTS: dict[str, tuple[str, list[str], frozenset[str]]] = {
    # name: (CREATE TABLE body, extra statements, key prefixes left out)
    "rows, the table before intake 0010 (with its foreign key)": (
        "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, key varchar(120) NOT NULL, "
        f"lead_id bigint NOT NULL {_FK}, UNIQUE (lead_id, key))", ["CREATE INDEX ON {t} (key, lead_id)"],
        frozenset()),
    "rows, today's table again (no foreign key since intake 0010)": (
        "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, key varchar(120) NOT NULL, "
        "lead_id bigint NOT NULL, UNIQUE (lead_id, key))", ["CREATE INDEX ON {t} (key, lead_id)"],
        frozenset()),
    "rows, without e: p: (the lead's own columns answer exact lookups)": (
        "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, key varchar(120) NOT NULL, "
        f"lead_id bigint NOT NULL {_FK}, UNIQUE (lead_id, key))", ["CREATE INDEX ON {t} (key, lead_id)"],
        frozenset({"e", "p"})),
    "rows, without e: p: ni: nn: (about half the keys)": (
        "(id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, key varchar(120) NOT NULL, "
        f"lead_id bigint NOT NULL {_FK}, UNIQUE (lead_id, key))", ["CREATE INDEX ON {t} (key, lead_id)"],
        frozenset({"e", "p", "ni", "nn"})),
    "rows, primary key (lead_id, key), no id": (
        f"(lead_id bigint NOT NULL {_FK}, key varchar(120) NOT NULL, PRIMARY KEY (lead_id, key))",
        ["CREATE INDEX ON {t} (key, lead_id)"], frozenset()),
    "rows, primary key (lead_id, key), no id, no foreign key": (
        "(lead_id bigint NOT NULL, key varchar(120) NOT NULL, PRIMARY KEY (lead_id, key))",
        ["CREATE INDEX ON {t} (key, lead_id)"], frozenset()),
    "one varchar[] per lead, GIN index": (
        f"(lead_id bigint PRIMARY KEY {_FK}, keys varchar(120)[] NOT NULL)",
        ["CREATE INDEX ON {t} USING gin (keys)"], frozenset()),
}


def _variants(conn: Any, base: int, timed: int, timed_keys: list[list[tuple[int, str]]], log: Any,
              rounds: int = 3) -> dict[str, dict[str, Any]]:
    """Each variant `rounds` times, the variants interleaved (the shared machine's load drifts); the
    median µs per lead, and every round's figure."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for number, name in enumerate(VARIANTS):
            figures = _variant(conn, f"floor_variant_{number}", VARIANTS[name], base, timed, timed_keys)
            runs[name].append(figures)
            log(f"variant {name}: {runs[name][-1]}")
    return {name: {**every[0], "us_per_lead": sorted(f["us_per_lead"] for f in every)[len(every) // 2],
                   "us_per_lead_rounds": [f["us_per_lead"] for f in every]}
            for name, every in runs.items()}


def _variant(conn: Any, table: str, variant: tuple[str, list[str], frozenset[str]], base: int, timed: int,
             timed_keys: list[list[tuple[int, str]]]) -> dict[str, float]:
    body, extra, left_out = variant
    array = "keys varchar" in body
    conn.execute(f"DROP TABLE IF EXISTS {table}")
    conn.execute(f"CREATE TABLE {table} {body}")
    for statement in extra:
        conn.execute(statement.format(t=table))
    keep = "" if not left_out else " AND split_part(key, ':', 1) <> ALL(%s)"
    params: list[Any] = [base] + ([sorted(left_out)] if left_out else [])
    if array:
        conn.execute(f"INSERT INTO {table} (lead_id, keys) SELECT lead_id, array_agg(key ORDER BY key) "  # noqa: S608
                     f"FROM intake_matchkey WHERE lead_id <= %s{keep} GROUP BY lead_id", params)
    else:
        conn.execute(f"INSERT INTO {table} (lead_id, key) SELECT lead_id, key FROM intake_matchkey "  # noqa: S608
                     f"WHERE lead_id <= %s{keep}", params)
    conn.commit()
    conn.autocommit = True
    conn.execute(f"VACUUM ANALYZE {table}")
    conn.autocommit = False
    seconds, rows = 0.0, 0
    for chunk in timed_keys:
        kept = [(lead, key) for lead, key in chunk if key.split(":", 1)[0] not in left_out]
        rows += len(kept)
        if array:
            per: dict[int, list[str]] = {}
            for lead, key in kept:
                per.setdefault(lead, []).append(key)
            payload: list[Any] = sorted(per.items())
            columns = "(lead_id, keys)"
        else:
            payload, columns = kept, "(lead_id, key)"
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy(f"COPY {table} {columns} FROM STDIN") as copy:
            for row in payload:
                copy.write_row(row)
        conn.commit()
        seconds += time.perf_counter() - t0
    if array:  # the GIN index defers part of its work to a pending list: count flushing it
        t0 = time.perf_counter()
        index = conn.execute("SELECT indexrelid::regclass::text FROM pg_index "
                             "WHERE indrelid = %s::regclass AND NOT indisprimary", [table]).fetchone()[0]
        conn.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        conn.commit()
        seconds += time.perf_counter() - t0
    size = conn.execute("SELECT pg_total_relation_size(%s::regclass)", [table]).fetchone()[0]
    conn.execute(f"DROP TABLE {table}")
    conn.commit()
    return {"us_per_lead": round(seconds * 1e6 / timed), "key_rows_per_lead": round(rows / timed, 2),
            "mib_per_100k_leads": round(size / 2**20 * 100_000 / (base + timed), 1)}
