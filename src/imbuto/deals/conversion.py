"""Converting a sales-qualified lead in one step into a deal, a contact and an account (as
Salesforce's lead conversion does): a matching account (VAT id, web domain, name) or contact (email)
is reused (leads.conversion.link_records), the lead keeps its history, sources and links, points at
its account and contact, and moves to `opportunity` through the lifecycle service."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from imbuto.core import explain, history, permissions
from imbuto.core.errors import Conflict, InvalidTransition
from imbuto.core.types import Actor
from imbuto.leads.choices import Stage
from imbuto.leads.conversion import link_records
from imbuto.leads.models import Lead
from imbuto.leads.services import lead_transition

from . import codes
from .models import Deal, Pipeline
from .services import deal_create


def check_convertible(lead: Lead) -> None:
    """A merged lead or one not (yet, or any more) sales-qualified does not convert: 409."""
    if lead.merged_into_id:
        raise Conflict(
            _("This lead was merged into lead #%(id)s; convert that lead instead.")
            % {"id": lead.merged_into_id},
            fields={"lead": [_("Merged away.")]},
        )
    if lead.stage != Stage.SQL:
        raise InvalidTransition(
            _("Only a sales-qualified lead (SQL) converts into a deal; this one is %(stage)s.")
            % {"stage": lead.get_stage_display()},
            fields={"stage": [_("Not an SQL.")]},
        )


def lead_convert(
    *,
    actor: Actor,
    lead: Lead,
    name: str = "",
    amount: Decimal | None = None,
    currency: str | None = None,
    pipeline: Pipeline | None = None,
    expected_close: dt.date | None = None,
    lines: list[dict[str, Any]] | None = None,
) -> Deal:
    """Convert `lead` (an SQL the actor may change) into a deal with its account and contact."""
    permissions.require(actor, "change", lead, message=_("You may not change this lead."))
    check_convertible(lead)
    with transaction.atomic():
        lead = Lead.objects.select_for_update(of=("self",)).select_related("owner").get(pk=lead.pk)
        check_convertible(lead)
        linked = link_records(lead, actor=actor, customer=False)
        if linked:
            lead.save(update_fields=["account", "contact", "updated_at"])
            history.record(lead, actor=actor, action="updated", changes=linked)
        owner = lead.owner or (actor if getattr(actor, "pk", None) else None)
        data: dict[str, Any] = {
            "name": (name.strip() or lead.company_name or str(lead))[:200],
            "amount": amount,
            "expected_close": expected_close,
            "owner": owner,
            "account": lead.account,
            "contact": lead.contact,
            "lead": lead,
            "channel_id": lead.channel_id,
            "campaign_id": lead.campaign_id,
            "pipeline": pipeline,
        }
        if currency:
            data["currency"] = currency
        deal = deal_create(
            actor=actor, data=data, lines=lines, why=explain.explanation(codes.CREATED_FROM, lead=lead.pk)
        )
        lead_transition(
            actor=actor,
            lead=lead,
            to=Stage.OPPORTUNITY,
            why=explain.explanation(codes.CONVERTED, deal=deal.pk),
        )
    return deal
