"""Parked leads come back on their revisit date (Lead.parked_until) into their owner's queue: back to
stage lead through the lifecycle service (with the explanation `nurture.revisit`), their owner told,
and enrolled in a sequence whose rule is "parked leads back on their revisit date" if there is one.

leads itself keeps only the date; nothing else revives them, so this periodic job is the one that does.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.urls import reverse
from django.utils import timezone

from imbuto.core import explain
from imbuto.core.errors import DomainError
from imbuto.leads.choices import Stage
from imbuto.leads.models import Lead
from imbuto.leads.services import lead_transition
from imbuto.notifications.services import notify

from .codes import PARKED_BACK, REVISIT

logger = logging.getLogger(__name__)
BATCH = 500


def parked_revive(today: dt.date | None = None) -> list[int]:
    """Every parked lead whose revisit date has come: back to stage lead, owner told. Idempotent (a
    lead back is no longer parked). Returns the ids of the leads brought back."""
    today = today or timezone.localdate()
    back: list[int] = []
    due = (Lead.objects.filter(stage=Stage.PARKED, parked_until__lte=today, merged_into__isnull=True)
           .order_by("parked_until", "pk")[:BATCH])
    for lead in due:
        date = lead.parked_until.isoformat() if lead.parked_until else ""
        try:
            lead = lead_transition(actor=None, lead=lead, to=Stage.LEAD,
                                   why=explain.explanation(REVISIT, date=date))
        except DomainError as exc:
            logger.warning("parked lead %s could not come back: %s", lead.pk, exc)
            continue
        back.append(lead.pk)
        if lead.owner_id:
            notify([lead.owner_id], PARKED_BACK, {"lead": str(lead), "date": date},
                   link=reverse("leads:detail", args=[lead.pk]), key=f"{PARKED_BACK}:{lead.pk}:{date}")
    return back
