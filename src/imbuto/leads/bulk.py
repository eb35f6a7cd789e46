"""Bulk actions on many leads (chosen rows or every lead matching the list's filters).

Nothing here decides: every change goes through the service a single change uses (the set-based
`leads_assign`, `lead_transition`, `lead_update`), so the rules, the per-lead permission check and the
history are the same. The answer is one outcome per lead: done, unchanged, refused (with the reason),
or not found (an id the actor may not see is not acknowledged to exist).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from imbuto.core.errors import DomainError, ValidationFailed

from . import lifecycle, selectors, services
from .assignment import leads_assign
from .choices import DiscardReason, Stage
from .models import Lead

ACTIONS = ("assign", "transition", "add_to_campaign", "discard")
MAX_LEADS = 2000
BULK_REASON = "bulk"  # a code in the history, rendered by the timeline
DONE, UNCHANGED, REFUSED, NOT_FOUND = "done", "unchanged", "refused", "not_found"


@dataclass(frozen=True)
class Outcome:
    id: int
    status: str
    code: str = ""
    message: str = ""


@dataclass(frozen=True)
class Summary:
    action: str
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in (DONE, UNCHANGED, REFUSED, NOT_FOUND)}


def _too_many() -> ValidationFailed:
    message = _("A bulk action takes at most %(max)s leads: narrow the filters.") % {"max": f"{MAX_LEADS:,}"}
    return ValidationFailed(message, fields={"ids": [message]})


def bulk_selection(actor: Any, *, ids: Iterable[int] | None = None, filters: dict[str, Any] | None = None
                   ) -> tuple[list[Lead], list[int]]:
    """(the leads `actor` sees among `ids`, or matching `filters`; the ids not found). Bounded."""
    qs = selectors.visible_leads(actor).select_related("owner", "team")
    if ids is not None:
        wanted = list(dict.fromkeys(int(i) for i in ids))
        if len(wanted) > MAX_LEADS:
            raise _too_many()
        found = list(qs.filter(pk__in=wanted).order_by("pk"))
        seen = {lead.pk for lead in found}
        return found, [i for i in wanted if i not in seen]
    leads = list(selectors.filter_leads(qs, filters or {}).order_by("pk")[:MAX_LEADS + 1])
    if len(leads) > MAX_LEADS:
        raise _too_many()
    return leads, []


def _refused(lead_id: int, exc: DomainError) -> Outcome:
    return Outcome(lead_id, NOT_FOUND if exc.status == 404 else REFUSED, exc.code, exc.message)


def _each(leads: list[Lead], change: Any) -> list[Outcome]:
    """Run `change(lead)` (True when it changed something) lead by lead; a refusal stops nothing."""
    outcomes = []
    for lead in leads:
        try:
            outcomes.append(Outcome(lead.pk, DONE if change(lead) else UNCHANGED))
        except DomainError as exc:
            outcomes.append(_refused(lead.pk, exc))
    return outcomes


def leads_bulk(*, actor: Any, leads: list[Lead], action: str, owner: Any = None, team: Any = None,
               to: str = "", reason: str = "", parked_until: dt.date | None = None,
               campaign: Any = None) -> list[Outcome]:
    """Apply one action to every lead, each through its service; one outcome per lead."""
    if action == "assign":
        changed, unchanged, refused = leads_assign(actor=actor, leads=leads, owner=owner, team=team,
                                                   reason=BULK_REASON)
        status = {lead.pk: Outcome(lead.pk, DONE) for lead in changed}
        status.update({lead.pk: Outcome(lead.pk, UNCHANGED) for lead in unchanged})
        status.update({pk: _refused(pk, exc) for pk, exc in refused.items()})
        return [status.get(lead.pk, Outcome(lead.pk, NOT_FOUND)) for lead in leads]
    if action in ("transition", "discard"):
        target = Stage.DISCARDED if action == "discard" else to
        if target not in Stage.values:
            raise ValidationFailed(_("Choose the stage to move the leads to."),
                                   fields={"to": [_("Unknown stage.")]})
        if target == Stage.DISCARDED and not lifecycle.parse_reason(reason, DiscardReason)[0]:
            raise ValidationFailed(_("Discarding leads needs a reason."),
                                   fields={"reason": [_("Required when discarding.")]})

        def move(lead: Lead) -> bool:
            if lead.stage == target:
                return False
            services.lead_transition(actor=actor, lead=lead, to=target, reason=reason,
                                     parked_until=parked_until)
            return True

        return _each(leads, move)
    if action == "add_to_campaign":
        if campaign is None:
            raise ValidationFailed(_("Choose a campaign."), fields={"campaign": [_("Required.")]})

        def add(lead: Lead) -> bool:
            if lead.campaign_id == campaign.pk:
                return False
            services.lead_update(actor=actor, lead=lead, values={"campaign": campaign}, reason=BULK_REASON)
            return True

        return _each(leads, add)
    raise ValidationFailed(_("Unknown bulk action %(action)r.") % {"action": action},
                           fields={"action": [", ".join(ACTIONS)]})
