"""Idempotency-Key: a retried request gets the first answer again and never writes twice.

The key is claimed by inserting an IdempotencyRecord in the same transaction as the work. A concurrent
retry with the same key blocks on the unique index (PostgreSQL) or on the write lock (SQLite) until
the first request commits, then finds the stored answer and replays it. If the first request fails,
its claim is rolled back with it and the retry simply runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from imbuto.core.errors import Conflict, ValidationFailed

from ..models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


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
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(client=owner, endpoint=endpoint, key=key,
                                                              request_hash=fingerprint)
            except IntegrityError:
                record = None  # claimed before us; the unique index waited for that request to end
            if record is not None:
                status, payload = work()
                record.status_code, record.response = status, payload
                record.save(update_fields=["status_code", "response"])
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
