"""Step 1 of the pipeline: structural validation of raw records, before any normalisation.

A record is a flat dict of lead fields. Unknown fields, wrong types, over-long values, unknown choices
and records with no identity at all (no name, email, phone or company) are rejected with a reason per
field; everything else goes on. Pure Python: no database here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

from imbuto.core import jsonbody
from imbuto.core.explain import coded
from imbuto.leads import fields as lead_fields
from imbuto.leads.parsing import parse_when

# Every rule below comes from the lead field specification (leads.fields).
TEXT_FIELDS = tuple(f.name for f in lead_fields.FIELDS
                    if f.kind not in ("choice", "datetime", "ref", "payload"))
START_STAGES = lead_fields.START_STAGES
CHOICE_FIELDS: dict[str, tuple[str, ...]] = {
    name: lead_fields.choice_values(name) for name in lead_fields.names(kind="choice")}
# Read from common phrasings ("entro 2 mesi" -> within_2_months); an unknown value is kept in the flags.
LOOSE_CHOICES = {name: lead_fields.choice_values(name) for name in lead_fields.names(kind="loose")}
# Kept with the record's source (LeadSource.payload), not on the lead: what a form or chat asked.
PAYLOAD_FIELDS = {name: lead_fields.spec(name).max_length for name in lead_fields.names(kind="payload")}
REF_FIELDS = lead_fields.names(kind="ref")
DATE_FIELDS = lead_fields.names(kind="datetime")
ALLOWED = frozenset(lead_fields.BY_NAME)
IDENTITY = ("first_name", "last_name", "email", "phone", "company_name")
# The longest raw value per field: the column size, or more when normalisation shortens ("Italia" -> "IT").
MAX_LENGTHS: dict[str, int] = {f.name: f.intake_length for f in lead_fields.FIELDS}


@dataclass
class Checked:
    """A record that passed validation: clean text values, references still unresolved."""

    values: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str | int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    consent_at: dt.datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Without NUL (PostgreSQL refuses it) and lone surrogates (not encodable as UTF-8)."""
    return _UNSTORABLE.sub("", text) if _UNSTORABLE.search(text) else text


def as_text(value: Any) -> str | None:
    """Text, numbers and booleans become text (a phone typed as a number); None/'' become ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return clean_text(value).strip()
    return None


def _safe_payload(value: Any) -> Any:
    """The record as sent, minus characters no database can store (its depth is checked first)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): _safe_payload(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_safe_payload(v) for v in value]
    return value


def check_record(raw: Any) -> tuple[Checked | None, dict[str, list[str]]]:
    """(checked record, None) or (None, errors by field)."""
    if not isinstance(raw, dict):
        return None, {"__all__": [coded(gettext_noop("A record must be an object of lead fields."))]}
    if jsonbody.too_deep(raw):
        return None, {"__all__": [coded(gettext_noop("Nested more than %(n)d levels deep."),
                                        n=jsonbody.MAX_STORED_DEPTH)]}
    errors: dict[str, list[str]] = {}
    out = Checked(payload=_safe_payload(raw))
    for name, value in raw.items():
        key = clean_text(str(name))
        if key not in ALLOWED:
            errors.setdefault(key[:100], []).append(coded(gettext_noop("Unknown field.")))
            continue
        if key == "campaign" and isinstance(value, int) and not isinstance(value, bool):
            if not 0 < value < 2**63:
                errors.setdefault(key, []).append(coded(gettext_noop("Not a campaign id.")))
            else:
                out.refs["campaign"] = value
            continue
        text = as_text(value)
        if text is None:
            errors.setdefault(key, []).append(coded(gettext_noop("Must be text, a number or null.")))
            continue
        if not text:
            continue
        limit = PAYLOAD_FIELDS.get(key) or MAX_LENGTHS.get(key, 100)
        if len(text) > limit:
            errors.setdefault(key, []).append(
                coded(gettext_noop("At most %(limit)d characters (got %(got)d)."), limit=limit,
                      got=len(text)))
            continue
        if key in CHOICE_FIELDS:
            if text not in CHOICE_FIELDS[key]:
                errors.setdefault(key, []).append(
                    coded(gettext_noop("Unknown value %(value)r; use one of: %(choices)s."),
                          value=text[:40], choices=", ".join(CHOICE_FIELDS[key])))
            else:
                out.extra[key] = text
        elif key in REF_FIELDS:
            out.refs[key] = text
        elif key in DATE_FIELDS:
            parsed = parse_when(text)
            if parsed is None:
                errors.setdefault(key, []).append(coded(gettext_noop("Not an ISO 8601 date or date-time.")))
            else:
                out.consent_at = parsed
        elif key in PAYLOAD_FIELDS:
            continue
        else:
            out.values[key] = text
    if not errors and not any(out.values.get(f) for f in IDENTITY):
        errors["__all__"] = [coded(gettext_noop(
            "A record needs some identity: a name, an email, a phone or a company."))]
    return (None, errors) if errors else (out, {})
