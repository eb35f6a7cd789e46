"""Spam defences for the public form and the chat, without third-party services.

- a honeypot field that people never see and bots fill in;
- a minimum fill time, measured from a signed timestamp token issued when the form is rendered
  (django.core.signing, so the server keeps no state and a token cannot be forged or moved to
  another form);
- fixed-window rate counters per IP and per form/session, kept in the Django cache. The default
  cache is in-process (locmem), so each gunicorn worker counts on its own (`imbuto serve` says so);
  with IMBUTO_CACHE=redis every worker shares one counter (docs/capture.md). The visitor's address
  is core.net.client_ip, which trusts X-Forwarded-For only as far as IMBUTO_TRUSTED_PROXIES says.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core import signing

from imbuto.core.net import client_ip
from imbuto.core.ratelimit import Limit, hit, hit_all

HONEYPOT_FIELD = "homepage"
__all__ = ["Limit", "check_token", "client_ip", "hit", "hit_all", "honeypot_filled", "ip_hash",
           "issue_token"]
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


def ip_hash(ip: str) -> str:
    """Addresses are personal data: store and count a keyed hash, never the address."""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:32]
