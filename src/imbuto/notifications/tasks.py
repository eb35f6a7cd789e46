"""Background tasks of notifications: they take ids, decide who to tell, and write once per key.
The email tasks (`send_emails`, `retry_emails`) live beside the mail they send (mail.py), so that
services can enqueue them without importing this module (which calls services)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.tasks import task

from . import recipients


@task()
def notify_new_information(merge_ids: list[int], actor_id: int | None, via: str) -> dict[str, Any]:
    """Intake merged new information into leads (issue 8, finding 9): tell each lead's owner (or the
    team's managers when unowned) when the acting user may not see the lead. Idempotent."""
    from imbuto.intake.models import LeadMerge

    from .messages import NEW_INFORMATION
    from .services import Message, notifications_send

    merges = (LeadMerge.objects.filter(pk__in=merge_ids).select_related("survivor", "source__channel")
              .order_by("pk"))
    by_lead: dict[int, list[Any]] = defaultdict(list)
    for merge in merges:
        by_lead[merge.survivor_id].append(merge)
    if not by_lead:
        return {"sent": 0}
    unseen = recipients.unseen_by(actor_id, set(by_lead), via)
    leads = [by_lead[pk][0].survivor for pk in sorted(unseen)]
    people = recipients.people_responsible(leads, exclude=actor_id)
    messages = []
    for lead_id in sorted(unseen):
        first = by_lead[lead_id][0]
        lead = first.survivor
        params = {"lead_id": lead_id, "lead": str(lead),
                  "channel": recipients.channel_names(first.source, via)}
        for user_id in people[lead_id]:
            messages.append(Message(recipient_id=user_id, code=NEW_INFORMATION, params=params,
                                    link=recipients.lead_link(lead_id), key=f"lead-merge:{first.pk}"))
    return {"sent": notifications_send(messages=messages)}
