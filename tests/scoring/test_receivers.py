"""Scores follow events: each way a lead changes (created, engagement recorded, edited, merged, the
rules changed) enqueues a rescore task that updates the stored score, on the immediate backend (as a
running worker would) and on the database backend run by a real `db_worker`."""

import pytest
from django.core.management import call_command

from imbuto.leads.models import Lead
from imbuto.scoring import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(marketer):
    services.rule_create(
        actor=marketer,
        data={"name": "Italy", "kind": "fit", "attribute": "country", "values": ["IT"], "points": 10},
    )
    services.rule_create(
        actor=marketer,
        data={
            "name": "Webinars",
            "kind": "engagement",
            "event_kind": "webinar_attended",
            "points": 25,
            "half_life_days": 30,
            "cap": 50,
        },
    )


def post_event(api_as, user, lead, captured):
    with captured(execute=True):
        response = api_as(user).post(
            "/api/v1/events", {"events": [{"type": "webinar_attended", "lead_id": lead.pk}]}
        )
    assert response.status_code == 200, response.content


def test_an_engagement_event_updates_the_score_within_the_request_cycle(
    tasks_immediate, rules, api_as, admin, rep_lead, django_capture_on_commit_callbacks
):
    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    post_event(api_as, admin, rep_lead, django_capture_on_commit_callbacks)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 35
    post_event(api_as, admin, rep_lead, django_capture_on_commit_callbacks)
    post_event(api_as, admin, rep_lead, django_capture_on_commit_callbacks)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 60  # engagement capped at 50


def test_a_new_lead_and_an_edit_are_scored(
    tasks_immediate, rules, api_as, admin, django_capture_on_commit_callbacks
):
    client = api_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/leads", {"first_name": "Ugo", "email": "ugo@example.it", "country": "DE"}
        )
    lead = Lead.objects.get(pk=created.json()["id"])
    assert lead.score == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert client.patch(f"/api/v1/leads/{lead.pk}", {"country": "IT"}).status_code == 200
    lead.refresh_from_db()
    assert lead.score == 10


def test_a_merge_rescores_the_survivor(tasks_immediate, rules, admin, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from imbuto.intake.services import lead_merge
    from tests.factories import LeadFactory

    from .conftest import engage

    survivor, absorbed = LeadFactory(country="DE"), LeadFactory(country="IT")
    engage(absorbed, "webinar_attended", timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        lead_merge(actor=admin, survivor=survivor, merged=absorbed)
    survivor.refresh_from_db()
    assert survivor.score == 25  # the absorbed lead's webinar followed it; the survivor kept DE


def test_changing_a_rule_rescores_every_lead(
    tasks_immediate, rules, marketer, django_capture_on_commit_callbacks
):
    from imbuto.scoring.models import ScoringRule
    from tests.factories import LeadFactory

    leads = [LeadFactory(country="IT") for _ in range(3)]
    italy = ScoringRule.objects.get(name="Italy")
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_update(actor=marketer, rule_id=italy.pk, data={"points": 12})
    assert set(Lead.objects.filter(pk__in=[ld.pk for ld in leads]).values_list("score", flat=True)) == {12}


@pytest.mark.django_db(transaction=True)  # real commits: the worker closes its connection as a worker does
def test_on_the_database_backend_the_request_only_queues_and_a_worker_scores(
    rules, api_as, admin, rep_lead, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    post_event(api_as, admin, rep_lead, django_capture_on_commit_callbacks)
    [queued] = DBTaskResult.objects.filter(task_path="imbuto.scoring.tasks.rescore_leads")
    assert queued.args_kwargs["args"] == [[rep_lead.pk]]
    rep_lead.refresh_from_db()
    assert rep_lead.score is None  # nothing ran yet
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    rep_lead.refresh_from_db()
    assert rep_lead.score == 35
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and queued.return_value["scored"] == 1


def test_without_rules_no_task_is_queued(api_as, admin, rep_lead, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    post_event(api_as, admin, rep_lead, django_capture_on_commit_callbacks)
    assert not DBTaskResult.objects.filter(task_path__startswith="imbuto.scoring").exists()


def test_the_task_is_idempotent(rules, rep_lead):
    from imbuto.scoring.tasks import rescore_leads

    Lead.objects.filter(pk=rep_lead.pk).update(country="IT")
    assert rescore_leads.call([rep_lead.pk]) == {"scored": 1, "changed": 1, "moved": 0}
    assert rescore_leads.call([rep_lead.pk]) == {"scored": 1, "changed": 0, "moved": 0}


def test_the_nightly_job_is_registered_for_the_scheduler():
    from django.utils.module_loading import import_string

    from imbuto.core import registry

    [job] = [j for j in registry.PERIODIC_JOBS if j.name == "scoring.nightly_decay"]
    assert job.cron == "30 2 * * *" and import_string(job.task).name == "rescore_everything"
