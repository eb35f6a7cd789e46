"""Background tasks of notifications: they take ids, decide who to tell, and write once per key;
emails go once per notification (mail.py)."""

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


@task()
def send_emails(notification_ids: list[int]) -> dict[str, int]:
    """Email these notifications to their recipients who want email; each at most once, so a retried
    or duplicated task sends nothing twice (mail.py)."""
    from .mail import deliver

    return deliver(notification_ids)


@task()
def retry_emails() -> dict[str, int]:
    """Periodic (every 5 minutes): the emails still due (the mail server was away, a worker died
    holding one) are sent now."""
    from .mail import deliver, due_ids

    ids = due_ids()
    return deliver(ids) if ids else {"sent": 0, "skipped": 0, "failed": 0}
