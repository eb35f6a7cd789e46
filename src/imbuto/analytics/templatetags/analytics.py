"""Dashboard number formats: a missing figure (nothing to divide by, an empty period) reads "n/a"."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def na(value: Any, digits: int = 0) -> str:
    if value is None:
        return _("n/a")
    return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


@register.filter
def pct(value: Any) -> str:
    if value is None:
        return _("n/a")
    return number_format(value * 100, decimal_pos=1, use_l10n=True) + " %"


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None
