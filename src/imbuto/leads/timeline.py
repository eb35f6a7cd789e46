"""The lead timeline for people: history entries with labels, names and locale-formatted values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from imbuto.core import explain
from imbuto.core.history import history_of
from imbuto.users.models import Team, User

from .choices import DiscardReason, LawfulBasis, ParkReason, SizeBand, Stage, Temperature, Timeframe
from .forms import EXTRA_LABELS as FORM_LABELS
from .models import Account, Campaign, Channel, Contact, Lead

MAX_ENTRIES = 200
ACTIONS = {
    "created": _("Created"),
    "updated": _("Edited"),
    "transition": _("Stage changed"),
    "merged": _("Merged"),
    "merged_into": _("Merged into another lead"),
    "duplicate_dismissed": _("Not a duplicate"),
    "referral_recorded": _("Referral recorded"),
    "referral_made": _("Referred a lead"),
    "assigned": _("Assigned"),
}
CHOICES: dict[str, dict[str, Any]] = {
    "stage": dict(Stage.choices),
    "temperature": dict(Temperature.choices),
    "purchase_timeframe": dict(Timeframe.choices),
    "size_band": dict(SizeBand.choices),
    "consent_basis": dict(LawfulBasis.choices),
    "disposition_reason": dict(DiscardReason.choices) | dict(ParkReason.choices),
}
RELATED: dict[str, type[Model]] = {
    "owner": User, "team": Team, "channel": Channel, "campaign": Campaign,
    "referrer_contact": Contact, "referrer_account": Account, "account": Account, "contact": Contact,
    "merged_into": Lead, "referrer_lead": Lead,
}
EXTRA_LABELS = {"temperature_overridden": _("temperature set by hand"), "merged_into": _("merged into"),
                **FORM_LABELS}


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: dt.datetime
    actor: str
    action: str
    action_label: str
    reason: str                # what a person typed, as typed
    note: str = ""             # what the system wrote, in the reader's language
    changes: list[Change] = field(default_factory=list)

    @property
    def is_transition(self) -> bool:
        return self.action == "transition"


def _label(name: str) -> str:
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        return str(Lead._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - a field other apps recorded, or one since removed
        return name.replace("_", " ")


def _names(entries: list[Any], user: Any) -> dict[tuple[str, Any], str]:
    """Names of the related objects the entries point at: one query per model, not per entry. Another
    lead is named only if `user` may see it, else shown as #id (selectors.lead_refs)."""
    from .selectors import lead_refs

    wanted: dict[str, set[Any]] = {}
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            if name in RELATED and isinstance(pair, list | tuple):
                wanted.setdefault(name, set()).update(v for v in pair if isinstance(v, int))
    names: dict[tuple[str, Any], str] = {}
    lead_fields = [name for name in wanted if RELATED[name] is Lead]
    if lead_fields:
        refs = lead_refs(user, set().union(*(wanted[name] for name in lead_fields)))
        names.update(((name, pk), refs[pk].label) for name in lead_fields for pk in wanted[name])
    for name, ids in wanted.items():
        if RELATED[name] is Lead:
            continue
        for obj in RELATED[name]._default_manager.filter(pk__in=ids):
            names[(name, obj.pk)] = str(obj)
    return names


def _display(name: str, value: Any, names: dict[tuple[str, Any], str]) -> str:
    if value in (None, ""):
        return "—"
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    if name in RELATED:
        return names.get((name, value), f"#{value}")
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _date(value)
    return str(value)


def _date(value: str) -> str:
    try:
        if len(value) == 10:
            return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


# Reasons the system stores as codes (leads.bulk), shown in the reader's language.
REASON_CODES = {"bulk": _("Bulk action")}


def _reason(text: str) -> str:
    """Older entries stored a bare reason code as the reason: show its label, not the code."""
    if text in REASON_CODES:
        return str(REASON_CODES[text])
    return str(CHOICES["disposition_reason"].get(text, text)) if text else ""


def timeline_for(lead: Lead, user: Any) -> list[Entry]:
    """Newest first: who, when, what changed from what to what, and why, as `user` may see it."""
    rows = list(history_of(lead).order_by("-at", "-id")[:MAX_ENTRIES])
    names = _names(rows, user)
    entries = []
    for row in rows:
        changes = [
            Change(name, _label(name), _display(name, pair[0], names), _display(name, pair[1], names))
            for name, pair in (row.changes or {}).items()
            if isinstance(pair, list | tuple) and len(pair) == 2
        ]
        changes.sort(key=lambda c: c.field != "stage")
        label = ACTIONS.get(row.action) or _("Changed")
        actor = str(row.actor) if row.actor_id and row.actor else _actor_label(row.actor_label)
        reason, note = row.reason, explain.render(row.reason_code, row.reason_params or {})
        if reason in CHOICES["disposition_reason"]:
            reason = ""  # older rows quoted the reason's code: the changes name it in words
        if not note and (legacy := _legacy_note(reason)):
            reason, note = "", legacy
        entries.append(Entry(at=row.at, actor=actor, action=row.action, action_label=str(label),
                             reason=_reason(reason), note=note, changes=changes))
    return entries


def _actor_label(label: str) -> str:
    """A deleted user keeps their name; the system itself is named in the reader's language."""
    return str(_("Imbuto (automatic)")) if label in ("", "system") else label


LEGACY_INTAKE = re.compile(r"^intake: (\w+)(?: \((.*)\))?$")


def _legacy_note(reason: str) -> str:
    """Notes the system wrote as English text before it stored codes (core.explain)."""
    if m := LEGACY_INTAKE.match(reason or ""):
        return explain.render("intake.received", {"source": m.group(1)})
    if explain.is_known(reason):
        return explain.render(reason, {})
    return ""
