"""Idempotency-Key: a retried request gets the first answer again and never writes twice.

The key is claimed by inserting an IdempotencyRecord in the same transaction as the work, with one
`INSERT ... ON CONFLICT DO NOTHING RETURNING id` (no savepoint, no exception). A concurrent retry with
the same key blocks on the unique index (PostgreSQL) or on the write lock (SQLite) until the first
request commits, then finds the stored answer and replays it. If the first request fails, its claim
is rolled back with it and the retry simply runs. A request without a key costs no query at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core.errors import Conflict, ValidationFailed
from imbuto.core.idempotency import HEADER, KEY_SCHEMA, MAX_KEY_LENGTH  # noqa: F401 (re-exported)

from ..models import IdempotencyRecord


def request_hash(body: Any) -> str:
    """A stable fingerprint of a JSON body (key order does not matter)."""
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            _("The Idempotency-Key header must be 1 to %(n)d printable characters.") % {"n": MAX_KEY_LENGTH},
            fields={HEADER: [_("Invalid key.")]})
    return key


def _claim(owner: Any, endpoint: str, key: str, fingerprint: str) -> int | None:
    """Insert the record; its id, or None when the key is already taken (after waiting for the taker)."""
    table = connection.ops.quote_name(IdempotencyRecord._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in (
        "client_id", "endpoint", "key", "request_hash", "created_at"))
    conflict = ", ".join(connection.ops.quote_name(c) for c in ("client_id", "endpoint", "key"))
    created = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s) "  # noqa: S608 - names only
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {connection.ops.quote_name('id')}",
            [getattr(owner, "pk", None), endpoint, key, fingerprint, created])
        row = cursor.fetchone()
    return row[0] if row else None


def run_once(*, client: Any, endpoint: str, key: str | None, body: Any,
             work: Callable[[], tuple[int, Any]]) -> tuple[int, Any, bool]:
    """(status, response body, replayed). Without a key, `work` just runs."""
    if key is None:
        status, payload = work()
        return status, payload, False
    key = check_key(key)
    fingerprint = request_hash(body)
    owner = client if getattr(client, "pk", None) else None
    for _attempt in range(3):
        with transaction.atomic():
            claimed = _claim(owner, endpoint, key, fingerprint)
            if claimed is not None:
                status, payload = work()
                IdempotencyRecord.objects.filter(pk=claimed).update(status_code=status, response=payload)
                return status, payload, False
        found = IdempotencyRecord.objects.filter(client=owner, endpoint=endpoint, key=key).first()
        if found is None:
            continue  # the first request was rolled back meanwhile: run it now
        if found.request_hash != fingerprint:
            raise ValidationFailed(
                _("This Idempotency-Key was already used with a different request body."),
                code="idempotency_key_reused", fields={HEADER: [_("Reused with another body.")]})
        if found.status_code is None:
            raise Conflict(_("A request with this Idempotency-Key is still in progress; retry later."),
                           code="idempotency_in_progress")
        return found.status_code, found.response, True
    raise Conflict(_("A request with this Idempotency-Key is still in progress; retry later."),
                   code="idempotency_in_progress")
