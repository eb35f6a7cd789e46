"""Fixed-window rate counters in the Django cache, shared by the public form, the chat and the API's
token throttle.

The counters live in the cache named by IMBUTO_RATE_LIMIT_CACHE. A per-process cache (locmem, the
default) counts each gunicorn worker on its own, so N workers allow N times the limit; a shared
cache (IMBUTO_CACHE=redis) counts once. `imbuto serve` says which at start-up (`shared()`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

PER_PROCESS_BACKENDS = ("LocMemCache", "DummyCache")


def cache() -> BaseCache:
    return caches[getattr(settings, "IMBUTO_RATE_LIMIT_CACHE", "default")]


def shared() -> bool:
    """Whether every process sees the same counters."""
    backend = settings.CACHES[getattr(settings, "IMBUTO_RATE_LIMIT_CACHE", "default")]["BACKEND"]
    return not backend.endswith(PER_PROCESS_BACKENDS)


@dataclass(frozen=True)
class Limit:
    scope: str
    ident: str
    limit: int
    window: int  # seconds


def hit(limit: Limit, *, now: float | None = None) -> tuple[bool, int]:
    """Count one request in the current fixed window; (allowed, seconds until the window ends).

    `add` + `incr` are atomic in locmem and Redis, so parallel requests never both get the last
    slot. A limit of 0 means no limit.
    """
    if limit.limit <= 0:
        return True, 0
    now = time.time() if now is None else now
    window_no = int(now // limit.window)
    retry_after = int((window_no + 1) * limit.window - now) + 1
    store = cache()
    key = f"imbuto:rl:{limit.scope}:{limit.ident}:{limit.window}:{window_no}"
    store.add(key, 0, timeout=limit.window + 60)
    try:
        hits = store.incr(key)
    except ValueError:  # evicted between add and incr
        store.set(key, 1, timeout=limit.window + 60)
        hits = 1
    return hits <= limit.limit, retry_after


def hit_all(limits: list[Limit], *, now: float | None = None) -> tuple[bool, int]:
    """Count against every limit (so a blocked client keeps using up its window)."""
    allowed, retry = True, 0
    for limit in limits:
        ok, after = hit(limit, now=now)
        if not ok:
            allowed, retry = False, max(retry, after)
    return allowed, retry


def count(limit: Limit, *, now: float | None = None) -> int:
    """How many hits the current window of `limit` holds, without adding one."""
    now = time.time() if now is None else now
    key = f"imbuto:rl:{limit.scope}:{limit.ident}:{limit.window}:{int(now // limit.window)}"
    return int(cache().get(key) or 0)


def retry_after(limit: Limit, *, now: float | None = None) -> int:
    """Seconds until the current window of `limit` ends."""
    now = time.time() if now is None else now
    return int((int(now // limit.window) + 1) * limit.window - now) + 1
