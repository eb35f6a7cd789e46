"""The services: logging, tasks, validation, complete/reopen, edit with history, and the first
contact a logged call records for the response-time targets."""

from __future__ import annotations

import datetime as dt

import pytest

from imbuto.activities import services
from imbuto.activities.events import ActivityLogged
from imbuto.activities.models import Activity
from imbuto.core.errors import Conflict, PermissionDenied, ValidationFailed
from imbuto.core.history import history_of
from imbuto.leads.models import Lead
from imbuto.sla import services as sla
from imbuto.sla.models import LeadSla
from tests.factories import AccountFactory, LeadFactory

from .conftest import MONDAY_10

pytestmark = pytest.mark.django_db


def test_the_first_call_on_a_lead_records_its_first_contact_once(rep, event_log,
                                                                 django_capture_on_commit_callbacks):
    lead = LeadFactory(owner=rep, temperature="hot", created_at=MONDAY_10)
    sla.due_compute([lead.pk])
    at = MONDAY_10 + dt.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        call = services.activity_create(actor=rep, kind="call", now=at,
                                        values={"subject": "Intro call", "lead": lead})
    assert call.done_at == at and call.occurred_at == at and call.owner == rep
    clock = LeadSla.objects.get(lead=lead)
    assert clock.first_contact_at == at and clock.first_contact_kind == "call"
    assert clock.response_minutes == 30
    assert Lead.objects.get(pk=lead.pk).first_contacted_at == at
    logged = [e for e in event_log if isinstance(e, ActivityLogged)]
    assert logged == [ActivityLogged(activity_ids=(call.pk,), kinds=("call",), lead_ids=(lead.pk,),
                                     actor_id=rep.pk)]
    later = at + dt.timedelta(hours=1)
    services.activity_create(actor=rep, kind="email", values={"subject": "Follow-up", "lead": lead},
                             now=later)
    assert LeadSla.objects.get(lead=lead).first_contact_at == at  # the first one stands
    # a note is not a contact; a future meeting is not one until it is done
    other = LeadFactory(owner=rep)
    services.activity_create(actor=rep, kind="note", values={"subject": "Budget in Q3", "lead": other})
    meeting = services.activity_create(actor=rep, kind="meeting", values={
        "subject": "Demo", "lead": other, "occurred_at": later + dt.timedelta(days=1)}, now=later)
    assert meeting.done_at is None and Lead.objects.get(pk=other.pk).first_contacted_at is None
    services.activity_complete(actor=rep, activity=meeting, now=later + dt.timedelta(days=1))
    assert Lead.objects.get(pk=other.pk).first_contacted_at == later + dt.timedelta(days=1)
    assert [h.action for h in history_of(meeting)] == ["created", "completed"]


def test_each_kind_is_validated_with_the_field_named(rep, other_rep, manager, rep_lead, other_lead):
    cases = [
        ("task", {"subject": "Send offer", "lead": rep_lead}, "due_at"),
        ("meeting", {"subject": "Demo", "lead": rep_lead}, "occurred_at"),
        ("call", {"subject": "Call"}, "lead"),
        ("call", {"subject": "  ", "lead": rep_lead}, "subject"),
        ("call", {"subject": "Tomorrow", "lead": rep_lead,
                  "occurred_at": MONDAY_10 + dt.timedelta(days=3)}, "occurred_at"),
        ("meeting", {"subject": "Demo", "lead": rep_lead, "occurred_at": MONDAY_10,
                     "ends_at": MONDAY_10 - dt.timedelta(hours=1)}, "ends_at"),
        ("task", {"subject": "Offer", "lead": rep_lead, "due_at": MONDAY_10,
                  "remind_at": MONDAY_10 + dt.timedelta(hours=1)}, "remind_at"),
        ("visit", {"subject": "x", "lead": rep_lead}, "kind"),
    ]
    for kind, values, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.activity_create(actor=rep, kind=kind, values=values, now=MONDAY_10)
        assert field in caught.value.fields, (kind, values)
    with pytest.raises(ValidationFailed) as caught:  # a lead one may not see: not acknowledged
        services.records_resolve(rep, {"lead": other_lead.pk})
    assert "lead" in caught.value.fields
    with pytest.raises(PermissionDenied):  # a rep plans only for themselves
        services.activity_create(actor=rep, kind="task", values={
            "subject": "For Remo", "lead": rep_lead, "due_at": MONDAY_10, "owner": other_rep})
    task = services.activity_create(actor=manager, kind="task", values={  # a manager for the team
        "subject": "For Rita", "lead": rep_lead, "due_at": MONDAY_10, "owner": rep})
    assert task.owner == rep and task.done_at is None and Activity.objects.count() == 1


def test_edit_complete_reopen_keep_history_and_nothing_is_deleted(rep, other_rep, rep_lead):
    account = AccountFactory(owner=rep)
    task = services.activity_create(actor=rep, kind="task", values={
        "subject": "Send offer", "lead": rep_lead, "account": account, "due_at": MONDAY_10,
        "remind_at": MONDAY_10 - dt.timedelta(hours=1)})
    Activity.objects.filter(pk=task.pk).update(reminded_at=MONDAY_10)
    task.refresh_from_db()
    task = services.activity_update(actor=rep, activity=task, values={
        "subject": "Send the offer", "remind_at": MONDAY_10 - dt.timedelta(minutes=30)})
    assert task.reminded_at is None  # a new reminder time is reminded again
    with pytest.raises(ValidationFailed):
        services.activity_update(actor=rep, activity=task, values={"kind": "call"})
    with pytest.raises(PermissionDenied):
        services.activity_update(actor=other_rep, activity=task, values={"subject": "Mine"})
    services.activity_complete(actor=rep, activity=task)
    services.activity_complete(actor=rep, activity=task)  # already done: unchanged
    services.activity_reopen(actor=rep, activity=task)
    entries = list(history_of(task))
    assert [h.action for h in entries] == ["created", "updated", "completed", "reopened"]
    assert entries[1].changes["subject"] == ["Send offer", "Send the offer"]
    call = services.activity_create(actor=rep, kind="call", values={"subject": "Hi", "lead": rep_lead})
    with pytest.raises(Conflict):
        services.activity_reopen(actor=rep, activity=call)
    assert not hasattr(services, "activity_delete")
