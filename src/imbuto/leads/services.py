"""Writes on leads: create, update, transition, assign. Each writes history in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imbuto.core import events, history, permissions
from imbuto.core.errors import Conflict, InvalidTransition, ValidationFailed, from_django_validation
from imbuto.core.types import Actor

from . import conversion, lifecycle
from . import events as lead_events
from .assignment import apply_assignment, assignment
from .choices import DiscardReason, ParkReason, Stage, Temperature
from .models import Lead

# Fields a person may edit directly; stage only moves through lead_transition.
EDITABLE = (
    "first_name", "last_name", "job_title", "email", "phone", "language", "company_name", "website",
    "vat_id", "tax_code", "industry", "size_band", "street", "postal_code", "city", "region",
    "country", "channel", "campaign", "utm_source", "utm_medium", "utm_campaign", "utm_term",
    "utm_content", "referrer_contact", "referrer_account", "external_id", "purchase_timeframe",
    "temperature", "consent_basis", "consent_at", "consent_channel", "owner",
)


def _full_clean(lead: Lead) -> None:
    try:
        lead.full_clean(exclude=["merged_into", "created_by", "owner", "team"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _apply_temperature(lead: Lead, values: dict[str, Any]) -> None:
    """Temperature follows the timeframe unless a person set it; setting it records an override."""
    if values.get("temperature"):
        if values["temperature"] not in Temperature.values:
            raise ValidationFailed(_("Unknown temperature."), fields={"temperature": [_("Invalid.")]})
        lead.temperature_overridden = values["temperature"] != lifecycle.temperature_for(
            lead.purchase_timeframe
        )
        lead.temperature = values["temperature"]
    elif not lead.temperature_overridden:
        lead.temperature = lifecycle.temperature_for(lead.purchase_timeframe)


def lead_create(*, actor: Actor, data: dict[str, Any], reason: str = "") -> Lead:
    """Create one lead exactly as given, outside intake (no normalisation, no matching; its match keys
    are added after commit): for code whose data is already clean. People and channels create leads
    through intake (`intake.services.lead_capture`, the API). Who owns it: leads.assignment."""
    permissions.require(actor, "create", Lead, message=_("You may not create leads."))
    owner, team_id = assignment(actor=actor, owner=data.get("owner"))
    return _lead_create(actor=actor, data=data, reason=reason, owner=owner, team_id=team_id)


@transaction.atomic
def _lead_create(*, actor: Actor, data: dict[str, Any], reason: str, owner: Any, team_id: int | None
                 ) -> Lead:
    data = dict(data)
    data.pop("owner", None)
    data.pop("team", None)
    stage = data.pop("stage", None) or Stage.SUSPECT
    if stage in (Stage.DISCARDED, Stage.PARKED, Stage.CUSTOMER, Stage.OPPORTUNITY):
        raise ValidationFailed(_("A new lead cannot start in that stage."),
                               fields={"stage": [_("Not a starting stage.")]})
    temperature = data.pop("temperature", None)
    lead = Lead(**data, stage=stage, created_by=actor if getattr(actor, "pk", None) else None)
    lead.stage_changed_at = timezone.now()
    apply_assignment(lead, owner, team_id)
    _apply_temperature(lead, {"temperature": temperature})
    _full_clean(lead)
    lead.save()
    history.record(lead, actor=actor, action="created", reason=reason,
                   changes={"stage": [None, lead.stage]})
    events.emit(lead_events.LeadCreated(lead_ids=(lead.pk,), via=lead_events.VIA_MANUAL,
                                        actor_id=events.actor_id_of(actor)))
    return lead


# How a person's typed identity values are cleaned (phone to E.164, email domain, VAT ids, website,
# country), registered by intake, so an edit is stored the way every channel's records are. Each takes
# (lead, values) and returns (values, {field: why flagged}); leads itself does not know the rules.
EditNormaliser = Callable[[Lead, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]]
_edit_normalisers: list[EditNormaliser] = []


def register_edit_normaliser(normaliser: EditNormaliser) -> None:
    if normaliser not in _edit_normalisers:
        _edit_normalisers.append(normaliser)


def _normalise_edit(lead: Lead, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    flagged: dict[str, Any] = {}
    for normaliser in _edit_normalisers:
        values, flags = normaliser(lead, values)
        flagged.update(flags)
    return values, flagged


def lead_update(*, actor: Actor, lead: Lead, values: dict[str, Any], reason: str = "") -> Lead:
    """Change editable fields; every changed value is kept in history as [old, new]."""
    permissions.require(actor, "change", lead)
    assigned = assignment(actor=actor, owner=values["owner"], lead=lead) if "owner" in values else None
    return _lead_update(actor=actor, lead=lead, values=values, reason=reason, assigned=assigned)


@transaction.atomic
def _lead_update(*, actor: Actor, lead: Lead, values: dict[str, Any], reason: str,
                 assigned: tuple[Any, int | None] | None) -> Lead:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(_("Some fields cannot be changed here."),
                               fields={f: [_("Not editable.")] for f in sorted(unknown)})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.merged_into_id:
        # Its values live on in the merge; a change belongs on the lead it was merged into.
        raise Conflict(_("This lead was merged into lead #%(id)s; change that lead instead.")
                       % {"id": lead.merged_into_id})
    typed_country = values.get("country")
    values, flagged = _normalise_edit(lead, values)
    if "country" in flagged:  # the column holds a code: a name no country has cannot be kept as typed
        raise ValidationFailed(_("No country is called %(value)s: use its code (IT) or its name.")
                               % {"value": typed_country},
                               fields={"country": [_("Unknown country.")]})
    before = {f: getattr(lead, f) for f in EDITABLE}
    before_ovr = lead.temperature_overridden
    before_team = lead.team_id
    for field, value in values.items():
        if field not in ("owner", "temperature"):
            setattr(lead, field, value)
    if assigned is not None:  # checked by the assignment rule before the transaction
        apply_assignment(lead, *assigned)
    _apply_temperature(lead, values)
    _full_clean(lead)
    changes = {f: (before[f], getattr(lead, f)) for f in EDITABLE if before[f] != getattr(lead, f)}
    if lead.team_id != before_team:
        changes["team"] = (before_team, lead.team_id)
    if lead.temperature_overridden != before_ovr:
        changes["temperature_overridden"] = (before_ovr, lead.temperature_overridden)
    # A flag speaks of the value it was raised on: a retyped value gets the verdict on the new one.
    flags = dict(lead.quality_flags or {})
    new_flags = {f: why for f, why in flags.items() if f not in changes}
    new_flags.update({f: why for f, why in flagged.items() if f in changes})
    if new_flags != flags:
        lead.quality_flags = new_flags
        changes["quality_flags"] = (flags, new_flags)
    if not changes:
        return lead
    lead.save()
    history.record(lead, actor=actor, action="updated", changes=changes, reason=reason)
    # Intake re-indexes the lead's match keys when an identity field changed (intake/reindex.py).
    events.emit(lead_events.LeadUpdated(
        lead_ids=(lead.pk,), fields=tuple(sorted(changes)), actor_id=events.actor_id_of(actor),
        previous={f: history.jsonable(old) for f, (old, _new) in changes.items()}))
    return lead


def lead_transition(
    *, actor: Actor, lead: Lead, to: str, reason: str = "", note: str = "",
    parked_until: dt.date | None = None, why: dict[str, Any] | None = None,
) -> Lead:
    """Move a lead to another lifecycle stage, refusing moves the rules do not allow.

    `reason` is a reason code (or free text, kept as the note of reason "other"); `note` is what the
    person typed besides the code, kept whatever the code, so no typed word is lost; `why` a note of
    the system (core.explain), e.g. a scoring threshold.
    """
    permissions.require(actor, "change", lead)
    return _lead_transition(actor=actor, lead=lead, to=to, reason=reason, note=note,
                            parked_until=parked_until, why=why)


def _stage_name(code: str) -> str:
    return str(Stage(code).label) if code in Stage.values else code


def _disposition(reason: str, note: str, choices: Any, stage: str) -> tuple[str, str]:
    """(code, note) of a discard or park: a code must be chosen; the typed note is always kept."""
    code, parsed_note = lifecycle.parse_reason(reason, choices)
    note = " ".join(part for part in (parsed_note, note.strip()) if part)
    if not code:
        needs = (_("Discarding a lead needs a reason: %(reasons)s.") if stage == Stage.DISCARDED
                 else _("Parking a lead needs a reason: %(reasons)s."))
        labels = ", ".join(str(label) for label in choices.labels)
        raise ValidationFailed(needs % {"reasons": labels},
                               fields={"reason": [_("Choose a reason.")]})
    return code, note


@transaction.atomic
def _lead_transition(
    *, actor: Actor, lead: Lead, to: str, reason: str, note: str, parked_until: dt.date | None,
    why: dict[str, Any] | None = None,
) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if to not in Stage.values:
        raise ValidationFailed(_("Unknown stage %(stage)r.") % {"stage": to},
                               fields={"to": [_("Unknown stage.")]})
    if lead.merged_into_id:
        raise InvalidTransition(_("This lead was merged into another one; work that lead instead."))
    if not lifecycle.is_allowed(lead.stage, to):
        allowed = ", ".join(map(_stage_name, lifecycle.allowed_targets(lead.stage))) or _("none")
        names = {"from": _stage_name(lead.stage), "to": _stage_name(to), "allowed": allowed}
        raise InvalidTransition(
            _("A lead cannot move from %(from)s to %(to)s. Allowed from %(from)s: %(allowed)s.") % names,
            fields={"to": [_("Not allowed from %(from)s.") % names]},
        )
    old: dict[str, Any] = {"stage": lead.stage, "disposition_reason": lead.disposition_reason,
           "parked_until": lead.parked_until}
    said = note.strip()
    if to == Stage.DISCARDED:
        code, said = _disposition(reason, note, DiscardReason, to)
        lead.disposition_reason, lead.disposition_note, lead.parked_until = code, said, None
    elif to == Stage.PARKED:
        if parked_until is None:
            raise ValidationFailed(_("Parking a lead needs a revisit date."),
                                   fields={"parked_until": [_("Required when parking.")]})
        if parked_until <= timezone.localdate():
            raise ValidationFailed(_("The revisit date must be in the future."),
                                   fields={"parked_until": [_("Must be a future date.")]})
        code, said = _disposition(reason, note, ParkReason, to)
        lead.disposition_reason, lead.disposition_note, lead.parked_until = code, said, parked_until
    else:
        lead.disposition_reason, lead.disposition_note, lead.parked_until = "", "", None
        said = " ".join(part for part in (reason.strip(), said) if part)
    lead.stage = to
    lead.stage_changed_at = timezone.now()
    linked = conversion.link_customer(lead, actor=actor) if to == Stage.CUSTOMER else {}
    lead.save()
    changes = {k: (v, getattr(lead, k)) for k, v in old.items() if v != getattr(lead, k)} | linked
    # The code is in the changes (rendered by its label); the history's reason is the person's words.
    history.record(lead, actor=actor, action="transition", changes=changes, reason=said, why=why)
    events.emit(lead_events.LeadStageChanged(lead_ids=(lead.pk,), from_stage=old["stage"], to_stage=to,
                                             actor_id=events.actor_id_of(actor)))
    return lead


def stage_options(lead: Lead) -> list[tuple[str, str]]:
    """The legal next stages with their labels, for buttons that only offer legal moves."""
    labels = dict(Stage.choices)
    return [(s, str(labels[s])) for s in lifecycle.allowed_targets(lead.stage)]
