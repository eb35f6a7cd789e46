"""`EMAIL_URL` -> the `default` entry of Django's MAILERS setting, strictly: an unknown scheme,
option or a bad port is an error at start-up, not a reset email that silently never leaves.

    console://                          printed on stdout (the default)
    smtp://host[:25]                    plain SMTP (a local relay)
    smtp+tls://user:pass@host[:587]     STARTTLS
    smtp+ssl://user:pass@host[:465]     TLS from the first byte
    ...?timeout=10                      seconds before giving up on the server

dj-email-url does the same but has not been released since 2022; this is small enough to own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
SMTP_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False),
                "smtp+ssl": (465, False, True)}


class EmailUrlError(ValueError):
    """EMAIL_URL cannot be understood; the message says what to write instead."""


def parse_email_url(url: str) -> dict[str, Any]:
    """`{"BACKEND": ..., "OPTIONS": {...}}` for `url` (see the module docstring for the forms)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise EmailUrlError(f"EMAIL_URL {_masked(url)!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme == "console":
        if parts.netloc or parts.path not in ("", "/") or parts.query:
            raise EmailUrlError("EMAIL_URL console:// takes no host, path or options.")
        return {"BACKEND": CONSOLE_BACKEND, "OPTIONS": {}}
    if scheme not in SMTP_SCHEMES:
        raise EmailUrlError(
            f"EMAIL_URL scheme {parts.scheme!r} is not supported; use console://, smtp://host:port, "
            "smtp+tls://user:password@host:587 or smtp+ssl://user:password@host:465.")
    if not parts.hostname:
        raise EmailUrlError(f"EMAIL_URL {_masked(url)!r} names no host.")
    if parts.path not in ("", "/") or parts.fragment:
        raise EmailUrlError(f"EMAIL_URL {_masked(url)!r}: a mail server URL has no path.")
    default_port, use_tls, use_ssl = SMTP_SCHEMES[scheme]
    options: dict[str, Any] = {
        "host": parts.hostname,
        "port": port or default_port,
        "username": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": 10,
    }
    try:
        query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise EmailUrlError(f"EMAIL_URL options {parts.query!r} are malformed.") from exc
    for name, values in query.items():
        if name != "timeout" or len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
            raise EmailUrlError(f"EMAIL_URL option {name!r} is not understood; only timeout=SECONDS.")
        options["timeout"] = int(values[0])
    return {"BACKEND": SMTP_BACKEND, "OPTIONS": options}


def _masked(url: str) -> str:
    """The URL without its password, for error messages that end up in logs."""
    head, sep, tail = url.rpartition("@")
    if not sep or "://" not in head:
        return url
    scheme, _, userinfo = head.partition("://")
    return f"{scheme}://{userinfo.split(':')[0]}:***@{tail}"


def parse_from_address(value: str) -> str:
    """IMBUTO_EMAIL_FROM: `name@host` or `Name <name@host>`, checked so a typo fails at start-up."""
    from email.utils import parseaddr

    value = value.strip()
    _name, address = parseaddr(value)
    local, at, domain = address.partition("@")
    if not (local and at and domain) or any(c in value for c in "\r\n"):
        raise EmailUrlError(f"IMBUTO_EMAIL_FROM {value!r} is not an address such as "
                            "'Imbuto <leads@example.com>'.")
    return value
