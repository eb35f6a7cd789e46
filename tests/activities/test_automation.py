"""Reminders on a controlled clock (each once) and stage playbooks (once per entry into a stage)."""

from __future__ import annotations

import datetime as dt

import pytest

from imbuto.activities import automation, services
from imbuto.activities.models import Activity
from imbuto.core import events, registry
from imbuto.deals.events import DealStageChanged
from imbuto.deals.models import Deal
from imbuto.notifications.models import Notification

from .conftest import MONDAY_10

pytestmark = pytest.mark.django_db


def test_a_due_reminder_is_sent_once_through_the_notifications(rep, rep_lead):
    assert any(j.name == "activities.send_reminders" for j in registry.PERIODIC_JOBS)
    task = services.activity_create(actor=rep, kind="task", now=MONDAY_10 - dt.timedelta(days=1), values={
        "subject": "Send offer", "lead": rep_lead, "due_at": MONDAY_10,
        "remind_at": MONDAY_10 - dt.timedelta(minutes=15)})
    assert automation.reminders_send(now=MONDAY_10 - dt.timedelta(minutes=16)) == 0
    assert automation.reminders_send(now=MONDAY_10 - dt.timedelta(minutes=14)) == 1
    assert automation.reminders_send(now=MONDAY_10 - dt.timedelta(minutes=10)) == 0
    (note,) = Notification.objects.filter(recipient=rep, code="activities.reminder")
    assert note.link == f"/leads/{rep_lead.pk}/"
    assert "Send offer" in note.text and "2026-03-02 10:00" in note.text
    # a new reminder time: reminded again, once
    services.activity_update(actor=rep, activity=task,
                             values={"remind_at": MONDAY_10 - dt.timedelta(minutes=5)})
    assert automation.reminders_send(now=MONDAY_10) == 1
    assert automation.reminders_send(now=MONDAY_10) == 0
    services.activity_complete(actor=rep, activity=task)  # done tasks are never reminded
    assert Notification.objects.filter(code="activities.reminder").count() == 2


def test_entering_a_stage_creates_its_playbook_tasks_once_per_entry(rep, make_deal, pipeline,
                                                                    tasks_immediate):
    deal = make_deal(rep)
    proposal = pipeline.stages.get(key="proposal")

    def enter(at):
        Deal.objects.filter(pk=deal.pk).update(stage=proposal, stage_changed_at=at)
        event = DealStageChanged(deal_ids=(deal.pk,), to_stage=proposal.pk, to_key="proposal")
        events.deliver(event)
        events.deliver(event)  # delivered twice (a retry): nothing twice

    enter(MONDAY_10)
    tasks = list(Activity.objects.filter(deal=deal).order_by("subject"))
    assert [(t.subject, t.owner_id, t.kind) for t in tasks] == [("Call back", rep.pk, "task"),
                                                                 ("Send the proposal", rep.pk, "task")]
    made = {t.subject: t.due_at - t.created_at for t in tasks}
    assert made == {"Call back": dt.timedelta(days=5), "Send the proposal": dt.timedelta(days=2)}
    enter(MONDAY_10 + dt.timedelta(days=7))  # left and came back: a new entry
    assert Activity.objects.filter(deal=deal).count() == 4
    assert automation.playbook_apply([deal.pk], pipeline.stages.get(key="qualification").pk) == 0
