"""Strict readers of environment variables (Healthchecks' envbool/envint, but refusing typos).

A setting that is set but cannot be read stops start-up with a message naming the variable and
what it accepts: `IMBUTO_DEBUG=ture` must not quietly mean False. Every name read here is listed
in docs/deployment.md (tests/cli/test_settings_env.py checks both ways).
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def _bad(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Environment variable {name}={value!r} is not valid: expected {expected}.")


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off (any case); unset means the default."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise _bad(name, value, "one of 1, true, yes, on, 0, false, no, off")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """A whole number within [minimum, maximum]; unset or empty means the default."""
    value = _raw(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise _bad(name, value, "a whole number") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"from {minimum}" if minimum is not None else ""
        bounds += f" up to {maximum}" if maximum is not None else ""
        raise _bad(name, value, f"a whole number {bounds.strip()}")
    return number


def env_float(name: str, default: float | None, *, minimum: float = 0.0,
              maximum: float = 1.0) -> float | None:
    """A decimal number within [minimum, maximum]; unset or empty means the default."""
    value = _raw(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise _bad(name, value, f"a number from {minimum} to {maximum}") from None
    if not minimum <= number <= maximum:
        raise _bad(name, value, f"a number from {minimum} to {maximum}")
    return number


def env_str(name: str, default: str, *, choices: tuple[str, ...] | None = None) -> str:
    """Free text, or one of `choices` (any case) when given."""
    value = _raw(name)
    if not value:
        return default
    if choices is not None:
        if value.lower() not in choices:
            raise _bad(name, value, "one of " + ", ".join(choices))
        return value.lower()
    return value


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list; blanks between commas are dropped."""
    value = os.environ.get(name)
    return [v.strip() for v in (default if value is None else value).split(",") if v.strip()]


def env_limits(name: str, defaults: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """`scope=LIMIT/SECONDS,...` over `defaults`, e.g. `message_per_session=30/60`; 0 = no limit."""
    limits = dict(defaults)
    for item in env_list(name, ""):
        scope, _, rule = item.partition("=")
        count, _, window = rule.partition("/")
        scope = scope.strip()
        if scope not in defaults:
            raise _bad(name, item, "scope=LIMIT/SECONDS with a scope among " + ", ".join(defaults))
        try:
            parsed = (int(count), int(window))
        except ValueError:
            raise _bad(name, item, "scope=LIMIT/SECONDS, e.g. message_per_session=20/60") from None
        if parsed[0] < 0 or parsed[1] < 1:
            raise _bad(name, item, "a limit of 0 or more per a window of at least 1 second")
        limits[scope] = parsed
    return limits
