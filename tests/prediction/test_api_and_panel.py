"""The prediction on the lead page and in the API, and its refresh by tasks on lead events."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from imbuto.leads.services import lead_update
from imbuto.prediction.models import LeadPrediction
from imbuto.prediction.services import predictions_refresh

from .conftest import make_history, open_lead

pytestmark = pytest.mark.django_db


def test_api_says_when_there_is_not_enough_history(api_as, rep, rep_lead):
    make_history(12, 41)
    body = api_as(rep).get(f"/api/v1/leads/{rep_lead.pk}/prediction").json()
    assert body["status"] == "not_enough_history" and body["probability"] is None
    assert (body["won"], body["lost"], body["needed"]) == (12, 41, 40)
    assert body["message"] == "Not enough history yet: 12 won, 41 lost, need 40 of each."
    assert body["model"] is None and body["factors_up"] == []


def test_api_gives_probability_factors_and_model_quality(api_as, rep, trained):
    lead = open_lead(True, owner=rep)
    predictions_refresh(lead_ids=[lead.pk])
    body = api_as(rep).get(f"/api/v1/leads/{lead.pk}/prediction").json()
    assert body["status"] == "ready" and 0.5 < body["probability"] <= 1
    assert body["model"]["id"] == trained.pk and body["model"]["n_won"] == 60
    assert 0 < body["model"]["roc_auc"] <= 1 and 0 < body["model"]["brier"] < 0.25
    up = body["factors_up"]
    assert up and all(f["delta"] > 0 for f in up) and all(f["label"] for f in up)
    assert {"feature", "label", "value", "delta"} == set(up[0])


def test_api_says_pending_before_the_first_refresh(api_as, rep, rep_lead, trained):
    body = api_as(rep).get(f"/api/v1/leads/{rep_lead.pk}/prediction").json()
    assert body["status"] == "pending" and body["model"]["id"] == trained.pk


def test_factor_labels_follow_the_readers_language(api_as, rep, trained):
    lead = open_lead(True, owner=rep)
    predictions_refresh(lead_ids=[lead.pk])
    client = api_as(rep)
    path = f"/api/v1/leads/{lead.pk}/prediction"
    english = client.client.get(path, headers={**client._headers(), "Accept-Language": "en"}).json()
    italian = client.client.get(path, headers={**client._headers(), "Accept-Language": "it"}).json()
    labels_en = {f["feature"]: f["label"] for f in english["factors_up"] + english["factors_down"]}
    labels_it = {f["feature"]: f["label"] for f in italian["factors_up"] + italian["factors_down"]}
    if "channel" in labels_en:
        assert (labels_en["channel"], labels_it["channel"]) == ("Channel", "Canale")
    assert "possibilità" in italian["message"] or "cliente" in italian["message"]


def test_model_versions_for_managers_not_reps(api_as, manager, rep, trained):
    items = api_as(manager).get("/api/v1/prediction/models").json()["items"]
    assert [v["id"] for v in items] == [trained.pk]
    assert {"roc_auc", "pr_auc", "brier", "n_won", "n_lost", "trained_at"} <= set(items[0])
    assert api_as(rep).get("/api/v1/prediction/models").status_code == 403


def page(user, lead) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("leads:detail", args=[lead.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_lead_page_says_not_enough_history(rep, rep_lead):
    make_history(3, 5)
    html = page(rep, rep_lead)
    assert 'id="lead-prediction"' in html
    assert "Not enough history yet: 3 won, 5 lost, need 40 of each." in html


def test_the_lead_page_shows_probability_factors_and_model(rep, trained):
    lead = open_lead(True, owner=rep)
    predictions_refresh(lead_ids=[lead.pk])
    html = page(rep, lead)
    percent = round(LeadPrediction.objects.get(lead=lead).probability * 100)
    assert f"{percent}%" in html and 'id="prediction-up"' in html
    assert f"Model v{trained.pk}, learned from 60 won and 60 lost leads" in html


def test_a_lead_edit_refreshes_its_prediction_through_a_task(tasks_immediate, rep, trained,
                                                             django_capture_on_commit_callbacks):
    lead = open_lead(False, owner=rep)
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(actor=rep, lead=lead, values={"phone": "+39 02 1111111", "industry": "software"})
    first = LeadPrediction.objects.get(lead=lead)
    assert first.version_id == trained.pk and 0 <= first.probability <= 1


@pytest.mark.parametrize("kind", ["created", "merged", "engagement"])
def test_lead_events_refresh_predictions(tasks_immediate, rep, trained, kind,
                                         django_capture_on_commit_callbacks):
    from imbuto.core import events
    from imbuto.leads.events import EngagementRecorded, LeadCreated, LeadMerged

    lead, absorbed = open_lead(True, owner=rep), open_lead(False, owner=rep)
    predictions_refresh(lead_ids=[absorbed.pk])
    event = {"created": LeadCreated(lead_ids=(lead.pk,), actor_id=None, via="api"),
             "merged": LeadMerged(lead_ids=(lead.pk,), merged_ids=(absorbed.pk,), actor_id=None),
             "engagement": EngagementRecorded(lead_ids=(lead.pk,), actor_id=None)}[kind]
    if kind == "merged":
        absorbed.merged_into = lead
        absorbed.save()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(event)
    assert LeadPrediction.objects.filter(lead=lead).exists()
    assert LeadPrediction.objects.filter(lead=absorbed).exists() == (kind != "merged")


def test_with_the_database_backend_the_receiver_only_queues_ids(rep, trained,
                                                                django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    lead = open_lead(True, owner=rep)
    with django_capture_on_commit_callbacks(execute=True):
        lead_update(actor=rep, lead=lead, values={"city": "Torino"})
    assert not LeadPrediction.objects.filter(lead=lead).exists()
    [queued] = DBTaskResult.objects.filter(task_path="imbuto.prediction.tasks.refresh_predictions")
    assert queued.args_kwargs["args"] == [[lead.pk]]


def test_no_task_is_enqueued_while_no_model_exists(rep, rep_lead, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        lead_update(actor=rep, lead=rep_lead, values={"city": "Torino"})
    assert not DBTaskResult.objects.filter(task_path__startswith="imbuto.prediction").exists()
