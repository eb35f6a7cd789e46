"""Spam defences for the public form and the chat, without third-party services.

- a honeypot field that people never see and bots fill in;
- a minimum fill time, measured from a signed timestamp token issued when the form is rendered
  (django.core.signing, so the server keeps no state and a token cannot be forged or moved to
  another form);
- fixed-window rate counters per IP and per form/session, kept in the Django cache. The default
  cache is in-process (locmem), so each gunicorn worker counts on its own; with IMBUTO_CACHE=redis
  every worker shares one counter (docs/capture.md).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.http import HttpRequest

HONEYPOT_FIELD = "homepage"
TOKEN_FIELD = "_imbuto_t"
TOKEN_SALT = "imbuto.capture.form"
TOKEN_MAX_AGE = 2 * 24 * 3600  # a form left open over a weekend still works


def issue_token(form_key: str, *, now: float | None = None) -> str:
    """A token that says "this form was rendered at <now>", valid only for `form_key`."""
    issued_ms = int((time.time() if now is None else now) * 1000)
    return signing.dumps([form_key, issued_ms], salt=TOKEN_SALT, compress=False)


def check_token(token: str | None, form_key: str, min_seconds: float, *,
                now: float | None = None) -> str | None:
    """None when the token is good; otherwise why not: missing, invalid, expired or too_fast."""
    if not token:
        return "missing"
    try:
        key, issued_ms = signing.loads(str(token)[:300], salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return "expired"
    except (signing.BadSignature, ValueError, TypeError):
        return "invalid"
    if key != form_key or not isinstance(issued_ms, int):
        return "invalid"
    elapsed = (time.time() if now is None else now) - issued_ms / 1000
    if elapsed > TOKEN_MAX_AGE:
        return "expired"
    if elapsed < min_seconds:
        return "too_fast"
    return None


def honeypot_filled(data: dict) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD) or "").strip())


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. Behind a reverse proxy set IMBUTO_TRUST_X_FORWARDED_FOR, or every
    visitor shares the proxy's address and with it one rate limit."""
    if getattr(settings, "IMBUTO_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return str(request.META.get("REMOTE_ADDR") or "")[:64]


def ip_hash(ip: str) -> str:
    """Addresses are personal data: store and count a keyed hash, never the address."""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]


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
    cache = caches[getattr(settings, "IMBUTO_RATE_LIMIT_CACHE", "default")]
    key = f"imbuto:rl:{limit.scope}:{limit.ident}:{limit.window}:{window_no}"
    cache.add(key, 0, timeout=limit.window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=limit.window + 60)
        count = 1
    return count <= limit.limit, retry_after


def hit_all(limits: list[Limit], *, now: float | None = None) -> tuple[bool, int]:
    """Count against every limit (so a blocked client keeps using up its window)."""
    allowed, retry = True, 0
    for limit in limits:
        ok, after = hit(limit, now=now)
        if not ok:
            allowed, retry = False, max(retry, after)
    return allowed, retry
