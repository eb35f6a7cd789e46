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
        return capfirst(str(Lead._meta.get_field(base).verbose_name))
    except FieldDoesNotExist:
        return capfirst(base.replace("_", " "))


def match_reasons(reasons: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(label, signed weight, "for" | "against") per compared field, strongest first."""
    rows = []
    for name, weight in sorted((reasons or {}).items(), key=lambda kv: -abs(float(kv[1] or 0))):
        value = float(weight or 0)
        sign = "+" if value > 0 else ("−" if value < 0 else "±")
        rows.append((field_name(name), f"{sign}{number_format(abs(value), decimal_pos=1)}",
                     "for" if value > 0 else "against" if value < 0 else "neutral"))
    return rows
