"""Delivery isolates failures: a receiver that raises is logged and retried by a task, never fails the
committed request and never stops the receivers after it. Receivers are wired by each app's ready()."""

import logging

import pytest

from imbuto.core import events
from imbuto.core import tasks as core_tasks
from imbuto.leads.events import LeadMerged, LeadUpdated
from imbuto.leads.models import Lead
from tests.factories import LeadFactory

CALLS: list = []


def broken(event):
    CALLS.append(("broken", event))
    raise RuntimeError("receiver bug")


def flaky(event):
    """Fails the first time it sees an event, works on the retry."""
    CALLS.append(("flaky", event))
    if sum(1 for name, e in CALLS if name == "flaky" and e == event) == 1:
        raise RuntimeError("database blip")


def listening(event):
    CALLS.append(("listening", event))


@pytest.fixture(autouse=True)
def registry(monkeypatch):
    """A copy of the registry, so the receivers subscribed here leave with the test."""
    monkeypatch.setattr(events, "_subscribers", {k: list(v) for k, v in events._subscribers.items()})
    CALLS.clear()
    yield
    CALLS.clear()


def test_a_failing_receiver_does_not_fail_the_request_nor_stop_the_others(
        api_as, admin, caplog, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    events.subscribe(LeadUpdated, broken)
    events.subscribe(LeadUpdated, listening)
    lead = LeadFactory(city="Roma")
    with caplog.at_level(logging.ERROR, logger="imbuto.core.events"), \
            django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin).patch(f"/api/v1/leads/{lead.pk}", {"city": "Bari"})
    assert response.status_code == 200, response.content
    assert Lead.objects.get(pk=lead.pk).city == "Bari"
    assert [name for name, _e in CALLS] == ["broken", "listening"]
    assert "tests.events.test_delivery.broken failed on lead.updated" in caplog.text
    retry = DBTaskResult.objects.get(task_path="imbuto.core.tasks.redeliver")
    assert retry.args_kwargs["args"][:2] == ["tests.events.test_delivery.broken", "lead.updated"]


def test_the_retry_task_calls_the_receiver_again_with_the_same_event(tasks_immediate, admin):
    events.subscribe(LeadMerged, flaky)
    event = LeadMerged(lead_ids=(7,), merge_ids=(9,), via="api", actor_id=admin.pk)
    events.deliver(event)  # outside any request: the first call fails, the retry (a task) works
    assert [("flaky", event), ("flaky", event)] == CALLS


def test_a_receiver_that_keeps_failing_is_given_up_after_a_bounded_number_of_tries(tasks_immediate, caplog):
    events.subscribe(LeadMerged, broken)
    with caplog.at_level(logging.ERROR):
        events.deliver(LeadMerged(lead_ids=(1,)))
    assert len(CALLS) == 1 + core_tasks.MAX_ATTEMPTS
    assert "giving up" in caplog.text


def test_receivers_are_wired_by_the_apps_ready_and_only_enqueue_tasks():
    from imbuto.intake import receivers as intake_receivers
    from imbuto.leads.events import LeadCreated
    from imbuto.notifications import receivers as notification_receivers

    assert intake_receivers.on_lead_created in events.receivers_of(LeadCreated)
    assert intake_receivers.on_lead_updated in events.receivers_of(LeadUpdated)
    assert notification_receivers.on_lead_merged in events.receivers_of(LeadMerged)


def test_receivers_enqueue_and_do_no_work_inside_the_request(api_as, admin,
                                                             django_capture_on_commit_callbacks):
    """With the database task backend and no worker, an edit of an identity field leaves the re-index
    to a queued task: the request itself does not touch the match keys."""
    from django_tasks_db.models import DBTaskResult

    from imbuto.intake.models import MatchKey

    lead = LeadFactory(email="before@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(admin).patch(f"/api/v1/leads/{lead.pk}", {"email": "after@example.com"})
    assert response.status_code == 200
    assert not MatchKey.objects.filter(lead=lead).exists()
    task = DBTaskResult.objects.get(task_path="imbuto.intake.tasks.reindex_edited_lead")
    assert task.args_kwargs["args"] == [lead.pk, {"email": "before@example.com"}]


def test_an_unknown_event_type_cannot_be_subscribed():
    from dataclasses import dataclass

    @dataclass(frozen=True, kw_only=True)
    class Stray(events.Event):
        name = "stray.event"

    with pytest.raises(ValueError):
        events.subscribe(Stray, listening)
