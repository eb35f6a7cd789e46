"""Names of lead fields and match reasons for people (the merge and duplicate pages): never a column
or a code such as `company_key`, `channel_id` or `first_name`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from imbuto.leads import fields as lead_fields
from imbuto.leads.models import Lead

EXTRA = {
    "company_key": _("company name (as compared)"), "name_key": _("name (as compared)"),
    "domain": _("web domain"), "company": _("company"), "house_number": _("house number"),
    "swapped_names": _("first and last name swapped"), "quality_flags": _("values to check"),
    "merged_into": _("merged into"), "stage": _("stage"),
}


def field_name(name: str) -> str:
    """A lead field's label (leads.fields, then the model), capitalised; a foreign key by its name."""
    if name in EXTRA:
        return capfirst(str(EXTRA[name]))
    base = name.removesuffix("_id")
    if base in lead_fields.BY_NAME:
        return capfirst(str(lead_fields.label(base)))
    try:
        return capfirst(str(getattr(Lead._meta.get_field(base), "verbose_name", base)))
    except FieldDoesNotExist:
        return capfirst(base.replace("_", " "))


# Agreement levels, where a pair stored them instead of weights (intake.matching.compare.level).
LEVELS = {"eq": _("same"), "hi": _("very similar"), "mid": _("similar"), "lo": _("slightly similar"),
          "no": _("different")}


def _weight(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def match_reasons(reasons: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, signed weight or agreement in words, "for" | "against" | "neutral") per compared
    field, strongest first."""
    rows = []
    for name, raw in sorted((reasons or {}).items(), key=lambda kv: -abs(_weight(kv[1]))):
        if isinstance(raw, str) and not raw.replace(".", "", 1).lstrip("-").isdigit():
            way = "for" if raw in ("eq", "hi") else "against" if raw in ("lo", "no") else "neutral"
            rows.append((field_name(name), str(LEVELS.get(raw, "")), way))
            continue
        value = _weight(raw)
        sign = "+" if value > 0 else ("−" if value < 0 else "±")
        rows.append((field_name(name), f"{sign}{number_format(abs(value), decimal_pos=1)}",
                     "for" if value > 0 else "against" if value < 0 else "neutral"))
    return rows
