"""Candidates for matching, found set-based: one query over indexed match keys, one exact lookup.

Also the concurrency guard: on PostgreSQL a transaction-scoped advisory lock per blocking-key bucket,
so two processes ingesting the same person serialise on the lookup-then-insert; on SQLite the
IMMEDIATE transaction mode already holds the database write lock from BEGIN.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
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


def _key_rows(keys: set[str]) -> Iterator[tuple[int, str]]:
    """(lead id, key) for every stored match key among `keys`: one query per CHUNK keys. PostgreSQL
    gets them as one array parameter (`= ANY`), not as tens of thousands of placeholders."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MatchKey._meta.db_table)
        with connection.cursor() as cursor:
            for part in chunks(sorted(keys), CHUNK * 5):
                cursor.execute(f"SELECT lead_id, key FROM {table} WHERE key = ANY(%s::varchar[])",  # noqa: S608
                               [part])
                yield from cursor.fetchall()
        return
    for part in chunks(sorted(keys)):
        yield from MatchKey.objects.filter(key__in=part).values_list("lead_id", "key")


def candidates(keys: set[str], *, emails: set[str], phones: set[str], vats: set[str],
               max_block: int = 0) -> dict[int, set[str]]:
    """Live leads sharing a match key or an exact identity value with the batch: {lead id: keys shared}.

    A fuzzy key shared by more than `max_block` leads is too common to tell anything (the matcher
    ignores it too), so its leads are not loaded for it."""
    from ..matching import is_exact

    by_key: dict[str, list[int]] = {}
    for lead_id, key in _key_rows(keys):
        by_key.setdefault(key, []).append(lead_id)
    found: dict[int, set[str]] = {}
    for key, lead_ids in by_key.items():
        if max_block and len(lead_ids) > max_block and not is_exact(key):
            continue
        for lead_id in lead_ids:
            found.setdefault(lead_id, set()).add(key)
    exact = Q()
    if emails:
        exact |= Q(email__in=sorted(emails))
    if phones:
        exact |= Q(phone__in=sorted(phones))
    if vats:
        exact |= Q(vat_id__in=sorted(vats))
    if exact:
        for pk, merged_into in Lead.objects.filter(exact).values_list("id", "merged_into_id"):
            found.setdefault(merged_into or pk, set())
    return found
