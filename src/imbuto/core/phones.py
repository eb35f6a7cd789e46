"""Phone numbers as people read them: stored as E.164, shown in the national format of the instance's
country (IMBUTO_DEFAULT_REGION) and in the international format otherwise."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.conf import settings


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(value, settings.IMBUTO_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None


def display(value: str | None) -> str:
    """"+390212345678" -> "02 1234 5678" on an Italian instance; a foreign number keeps its prefix.
    A value that is not a number comes back as it was."""
    if not value:
        return ""
    return _display(value, settings.IMBUTO_DEFAULT_REGION)


@lru_cache(maxsize=4096)  # an export formats the same switchboard numbers many times
def _display(value: str, home: str) -> str:
    number = _parse(value)
    if number is None or not phonenumbers.is_possible_number(number):
        return value
    region = phonenumbers.region_code_for_number(number)
    fmt = (phonenumbers.PhoneNumberFormat.NATIONAL if region == home
           else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, fmt)


def tel_uri(value: str | None) -> str:
    """A tel: link target (E.164) for a number, or "" when it is not one."""
    number = _parse(value or "")
    if number is None or not phonenumbers.is_possible_number(number):
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
