"""Candidates for matching, found set-based: one query over indexed match keys, one exact lookup.

Also the concurrency guard: on PostgreSQL a transaction-scoped advisory lock per blocking-key bucket,
so two processes ingesting the same person serialise on the lookup-then-insert; on SQLite the
IMMEDIATE transaction mode already holds the database write lock from BEGIN.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Q

from imbuto.leads.models import Lead

from ..models import MatchKey

LOCK_NAMESPACE = 0x1B07   # first int of pg_advisory_xact_lock(int, int): ours, not another app's
LOCK_BUCKETS = 1024       # bounded, so a 10,000-record batch never exhausts the lock table
CHUNK = 20_000            # IN-list size per query; a batch needs one chunk up to this many keys
KEY_LENGTH = 120          # MatchKey.key max_length


def stored_key(key: str) -> str:
    """A match key as stored: long keys keep a readable head and a hash tail."""
    if len(key) <= KEY_LENGTH:
        return key
    return key[:80] + "#" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:39]


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]


def lock_keys(keys: Iterable[str]) -> int:
    """Serialise concurrent writers that share a blocking key, until this transaction ends."""
    if connection.vendor != "postgresql":
        return 0
    buckets = sorted({zlib.crc32(k.encode()) % LOCK_BUCKETS for k in keys})
    if not buckets:
        return 0
    with connection.cursor() as cursor:
        # count() forces the locks to be taken one by one in array order: sorted, so no deadlock.
        cursor.execute("SELECT count(pg_advisory_xact_lock(%s, b)) FROM unnest(%s::int[]) AS b",
                       [LOCK_NAMESPACE, buckets])
    return len(buckets)


def _exact_sql(emails: set[str], phones: set[str], vats: set[str]) -> tuple[str, list[Any]]:
    """WHERE clause finding leads by exact identity values on the lead's own indexed columns."""
    parts, params = [], []
    for column, values in (("email", emails), ("phone", phones), ("vat_id", vats)):
        if values:
            parts.append(f"{column} = ANY(%s::varchar[])")
            params.append(sorted(values))
    return " OR ".join(parts), params


def _key_rows(keys: list[str], cap: int, exact: tuple[set[str], set[str], set[str]]
              ) -> Iterator[tuple[str | None, list[int] | None]]:
    """(key, ids of the leads sharing it) for the stored match keys among `keys`; ids is None for a key
    shared by `cap` or more leads, so the caller learns it is too common without fetching its
    thousands of leads. PostgreSQL: one index probe per key with LIMIT, the keys as one array
    parameter, and in the same statement the leads found by an exact value (key None, ids of their
    live leads). SQLite: a window over the index range of each key; the exact values in a query of
    their own."""
    table = connection.ops.quote_name(MatchKey._meta.db_table)
    leads = connection.ops.quote_name(Lead._meta.db_table)
    where, exact_params = _exact_sql(*exact)
    if not keys and not where:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for part in chunks(keys, CHUNK * 5) if keys else [[]]:
                # The keys as one newline-separated text split by the server: psycopg quotes an array
                # parameter element by element in Python (25 ms per 20,000 keys, 0.6 ms joined).
                joined = all(key and "\n" not in key for key in part)
                array = "string_to_array(%s, E'\\n')::varchar[]" if joined else "%s::varchar[]"
                sql = (f"SELECT k.key, CASE WHEN m.n < %s THEN m.ids END FROM unnest({array}) AS k(key) "  # noqa: S608
                       "CROSS JOIN LATERAL (SELECT count(*) AS n, array_agg(lead_id) AS ids FROM "
                       f"(SELECT lead_id FROM {table} WHERE key = k.key LIMIT %s) AS x) AS m WHERE m.n > 0")
                params: list[Any] = [cap, "\n".join(part) if joined else part, cap]
                if where:
                    sql += (" UNION ALL SELECT NULL, array_agg(COALESCE(merged_into_id, id)) "  # noqa: S608
                            f"FROM {leads} WHERE {where}")
                    params += exact_params
                    where = ""
                cursor.execute(sql, params)
                for key, ids in cursor.fetchall():
                    if key is not None or ids:
                        yield key, ids
            return
        for part in chunks(keys, 30_000):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                "SELECT lead_id, key, n FROM (SELECT lead_id, key, count(*) OVER w AS n, "  # noqa: S608
                f"row_number() OVER w AS r FROM {table} WHERE key IN ({marks}) "
                "WINDOW w AS (PARTITION BY key)) WHERE n < %s OR r = 1",
                [*part, cap])
            by_key: dict[str, list[int] | None] = {}
            for lead_id, key, n in cursor.fetchall():
                if n >= cap:
                    by_key[key] = None
                else:
                    by_key.setdefault(key, []).append(lead_id)
            yield from by_key.items()
    if exact_params:
        yield None, [merged_into or pk for pk, merged_into in _exact_sqlite(*exact)]


def _exact_sqlite(emails: set[str], phones: set[str], vats: set[str]) -> list[tuple[int, int | None]]:
    exact = Q()
    if emails:
        exact |= Q(email__in=sorted(emails))
    if phones:
        exact |= Q(phone__in=sorted(phones))
    if vats:
        exact |= Q(vat_id__in=sorted(vats))
    return list(Lead.objects.filter(exact).order_by().values_list("id", "merged_into_id"))


def candidates(keys: set[str], *, emails: set[str], phones: set[str], vats: set[str],
               max_block: int = 0, common: set[str] | None = None
               ) -> tuple[dict[str, list[int]], set[int]]:
    """Live leads sharing a match key or an exact identity value with the batch.

    Returns ({key: lead ids sharing it}, ids of the live leads found by an exact value). A key shared by more
    than `max_block` leads is too common to tell anything (the matcher ignores it too) and is left out;
    it is added to `common`, which a caller ingesting many batches keeps, so the next batch does not ask
    for it again (leads are only ever added, so a common key stays common). Exact keys (email, phone,
    VAT id) are also looked up on the lead's own columns, so a lead is found by them whatever it shares."""
    from ..matching import is_exact

    cap = max_block + 1 if max_block else 1_000_000_000
    common = common if common is not None else set()
    by_key: dict[str, list[int]] = {}
    exact_found: set[int] = set()
    for key, ids in _key_rows(sorted(keys - common), cap, (emails, phones, vats)):
        if key is None:
            exact_found.update(ids or ())
        elif ids is None:  # an exact key shared that widely (a switchboard number) is only not used now
            if not is_exact(key):
                common.add(key)
        else:
            by_key[key] = ids
    return by_key, exact_found


def live_rows(ids: list[int], names: Sequence[str]) -> Iterator[dict[str, Any]]:
    """Columns `names` of the leads `ids` not merged away, in id order, as dicts: a plain cursor (the
    ORM's values() costs more than the query for the tens of thousands of candidates of an import)."""
    fields = [Lead._meta.get_field(name) for name in names]
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in fields)
    json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
    decode = connection.vendor != "postgresql"
    with connection.cursor() as cursor:
        for part in chunks(ids):
            if connection.vendor == "postgresql":
                where, params = "id = ANY(%s)", [part]
            else:
                where, params = f"id IN ({', '.join(['%s'] * len(part))})", part
            cursor.execute(f"SELECT {cols} FROM {qn(Lead._meta.db_table)} WHERE {where} "  # noqa: S608
                           "AND merged_into_id IS NULL ORDER BY id", params)
            for values in cursor.fetchall():
                row = dict(zip(names, values, strict=True))
                if decode:
                    for i in json_at:
                        raw = values[i]
                        row[names[i]] = json.loads(raw) if isinstance(raw, str) else raw
                yield row


def shortlist(record_keys: Iterable[Iterable[str]], by_key: dict[str, list[int]], *, max_candidates: int,
              max_single_key: int) -> dict[int, set[str]]:
    """The existing leads worth loading for a batch: for each record, every lead sharing an exact key,
    the leads sharing most fuzzy keys (at most `max_candidates`, sharing two or more) and a few sharing
    one (`max_single_key`), as the matcher ranks them. {lead id: the batch keys it shares}."""
    from ..matching import is_exact

    wanted: dict[int, set[str]] = {}
    for keys in record_keys:
        counts: dict[int, int] = {}
        for key in sorted(keys):
            ids = by_key.get(key)
            if not ids:
                continue
            if is_exact(key):
                for lead_id in ids:
                    wanted.setdefault(lead_id, set())
                continue
            for lead_id in ids:
                counts[lead_id] = counts.get(lead_id, 0) + 1
        if not counts:
            continue
        ranked = sorted(counts.items(), key=lambda pair: -pair[1])
        picked = [pk for pk, n in ranked[:max_candidates] if n > 1]
        picked += [pk for pk, n in ranked if n == 1][:max_single_key]
        for lead_id in picked:
            wanted.setdefault(lead_id, set())
    if wanted:
        for key, ids in by_key.items():
            for lead_id in ids:
                shared = wanted.get(lead_id)
                if shared is not None:
                    shared.add(key)
    return wanted
