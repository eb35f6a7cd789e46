"""What the system writes by itself: due reminders (the periodic job) and the tasks of a stage's
playbook when a deal enters the stage. Both are idempotent: a retried or doubled run tells nobody
twice and creates no task twice. They take `now`, so tests drive a controlled clock."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from imbuto.deals.models import Deal, PipelineStage
from imbuto.notifications.services import Message, notifications_send

from . import codes
from .models import Activity, Kind
from .services import system_tasks_open

MAX_DUE_DAYS = 3650


def link_of(activity: Activity) -> str:
    """The page an activity is best seen on: its lead, deal, contact or account, else My day."""
    if activity.lead_id:
        return reverse("leads:detail", args=[activity.lead_id])
    if activity.deal_id:
        with contextlib.suppress(NoReverseMatch):  # the deals pages may not be installed
            return reverse("deals:detail", args=[activity.deal_id])
    if activity.contact_id:
        return reverse("leads:contact_detail", args=[activity.contact_id])
    if activity.account_id:
        return reverse("leads:account_detail", args=[activity.account_id])
    return reverse("activities:my_day")


def reminders_send(now: dt.datetime | None = None) -> int:
    """The periodic job: tell each owner of an open task or meeting whose reminder time has come,
    once (a keyed notification and a compare-and-set on reminded_at). Returns how many were told."""
    now = now or timezone.now()
    due = list(Activity.objects.filter(remind_at__lte=now, reminded_at__isnull=True, done_at__isnull=True,
                                       owner__isnull=False, owner__is_active=True)
               .order_by("remind_at", "pk")[:2000])
    if not due:
        return 0
    messages = [Message(recipient_id=a.owner_id, code=codes.REMINDER,
                        params={"subject": a.subject, "activity_id": a.pk,
                                "when": timezone.localtime(a.due_at or a.occurred_at or a.remind_at)
                                .strftime("%Y-%m-%d %H:%M")},
                        link=link_of(a), key=f"activity-reminder:{a.pk}:{a.remind_at:%Y%m%d%H%M}")
                for a in due if a.owner_id is not None]
    with transaction.atomic():
        notifications_send(messages=messages)
        Activity.objects.filter(pk__in=[a.pk for a in due], reminded_at__isnull=True).update(reminded_at=now)
    return len(messages)


def playbook_entries(stage: PipelineStage) -> list[tuple[str, int]]:
    """The stage's playbook as (title, due_days); malformed entries are left out."""
    result = []
    for entry in stage.playbook if isinstance(stage.playbook, list) else []:
        if not isinstance(entry, dict):
            continue
        title, days = entry.get("title"), entry.get("due_days", 0)
        if isinstance(title, str) and title.strip() and isinstance(days, int) and not isinstance(days, bool) \
                and 0 <= days <= MAX_DUE_DAYS:
            result.append((title.strip()[:200], days))
    return result


def playbook_apply(deal_ids: list[int], stage_id: int, now: dt.datetime | None = None) -> int:
    """Create the playbook tasks of stage `stage_id` for each of these deals that is in it: owner the
    deal's owner, due `due_days` after now. Once per entry into the stage (keyed by the deal's
    stage_changed_at): a retried task creates nothing twice. Returns how many tasks were created."""
    now = now or timezone.now()
    stage = PipelineStage.objects.filter(pk=stage_id).first()
    entries = playbook_entries(stage) if stage else []
    if not entries:
        return 0
    deals = list(Deal.objects.filter(pk__in=deal_ids, stage_id=stage_id).only(
        "pk", "owner_id", "stage_changed_at", "lead_id"))
    rows = []
    for deal in deals:
        entered = int(deal.stage_changed_at.timestamp()) if deal.stage_changed_at else 0
        for n, (title, days) in enumerate(entries):
            rows.append(Activity(kind=Kind.TASK, subject=title, owner_id=deal.owner_id, deal_id=deal.pk,
                                 due_at=now + dt.timedelta(days=days), created_at=now,
                                 **{"source_key": f"playbook:{deal.pk}:{stage_id}:{entered}:{n}"}))
    if not rows:
        return 0
    created = system_tasks_open(rows, data_for=lambda a: {"kind": a.kind, "playbook_stage": stage_id})
    return len(created)

