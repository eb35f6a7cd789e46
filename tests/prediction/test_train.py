"""Training from the company's closed history: the minimum, versions, predictions and factors."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from imbuto.prediction import features
from imbuto.prediction.models import LeadPrediction, ModelVersion
from imbuto.prediction.services import NotEnoughHistory, model_train, predictions_refresh

from .conftest import make_history, open_lead

pytestmark = pytest.mark.django_db


def test_below_the_minimum_training_refuses_and_says_what_is_missing():
    make_history(39, 60)
    with pytest.raises(NotEnoughHistory) as exc:
        model_train()
    assert (exc.value.won, exc.value.lost) == (39, 60)
    assert "39 won, 60 lost, need 40 of each" in str(exc.value)
    assert not ModelVersion.objects.exists()


def test_one_class_only_is_not_enough_history():
    make_history(80, 0)
    with pytest.raises(NotEnoughHistory, match="80 won, 0 lost"):
        model_train()


def test_duplicates_discarded_are_not_outcomes():
    make_history(40, 40)
    lead = features.closed_leads().filter(stage="discarded").first()
    lead.disposition_reason = "duplicate"
    lead.save()
    assert features.outcome_counts() == (40, 39)
    with pytest.raises(NotEnoughHistory):
        model_train()


def test_from_forty_of_each_a_version_is_kept_with_its_cross_validated_quality():
    make_history(40, 40)
    result = model_train()
    v = result.version
    assert result.created and (v.n_won, v.n_lost) == (40, 40)
    assert v.estimator == "linear" and v.folds == 5
    assert 0.7 < v.roc_auc <= 1 and 0.5 < v.pr_auc <= 1 and 0 < v.brier < 0.25
    assert v.features["categorical"] == features.CATEGORICAL and bytes(v.pipeline)


def test_the_same_history_trains_no_second_version_unless_forced():
    make_history(45, 45)
    first = model_train().version
    again = model_train()
    assert not again.created and again.version.pk == first.pk
    assert model_train(force=True).version.pk != first.pk
    assert ModelVersion.objects.count() == 2


def test_engagement_after_the_outcome_is_not_learned_from(trained):
    records, _labels, _ = features.history()
    assert all(r["n_email_open"] == 0 for r in records)  # every email_open came after closing
    assert any(r["n_webinar_attended"] > 0 for r in records)


def test_predictions_are_probabilities_with_factors_up_and_down(trained):
    good, bad = open_lead(True), open_lead(False)
    assert predictions_refresh(lead_ids=[good.pk, bad.pk]) == 2
    pg, pb = LeadPrediction.objects.get(lead=good), LeadPrediction.objects.get(lead=bad)
    assert 0 <= pb.probability < pg.probability <= 1
    assert pg.version_id == trained.pk
    assert {f["feature"] for f in pg.factors_up} & {"channel", "has_phone", "industry"}
    assert {f["feature"] for f in pb.factors_down} & {"channel", "has_phone", "industry"}
    assert all(f["delta"] > 0 for f in pg.factors_up) and all(f["delta"] < 0 for f in pb.factors_down)
    channel = next(f for f in pg.factors_up + pg.factors_down if f["feature"] == "channel")
    assert channel["value"] == "referral"


def test_refreshing_twice_changes_nothing_twice(trained):
    lead = open_lead(True)
    predictions_refresh(lead_ids=[lead.pk])
    first = LeadPrediction.objects.get(lead=lead)
    predictions_refresh(lead_ids=[lead.pk])
    again = LeadPrediction.objects.get(lead=lead)
    assert LeadPrediction.objects.filter(lead=lead).count() == 1
    assert (again.probability, again.factors_up) == (first.probability, first.factors_up)


def test_a_lead_merged_away_loses_its_prediction(trained):
    survivor, merged = open_lead(True), open_lead(False)
    predictions_refresh(lead_ids=[survivor.pk, merged.pk])
    merged.merged_into = survivor
    merged.save()
    predictions_refresh(lead_ids=[merged.pk])
    assert not LeadPrediction.objects.filter(lead=merged).exists()


def test_the_cli_trains_and_refuses_below_the_minimum(capsys):
    make_history(10, 50)
    with pytest.raises(CommandError, match="not enough history yet: 10 won, 50 lost") as exc:
        call_command("scoring", "train")
    assert exc.value.returncode == 2
    make_history(40, 0, seed=3)
    call_command("scoring", "train")
    out = capsys.readouterr().out
    assert "model v" in out and "50 won, 50 lost" in out and "ROC AUC" in out


def test_the_nightly_job_is_registered_and_idempotent(trained):
    from imbuto.core import registry
    from imbuto.prediction.tasks import nightly_train

    job = next(j for j in registry.PERIODIC_JOBS if j.name == "prediction.nightly_train")
    assert job.task == "imbuto.prediction.tasks.nightly_train"
    open_lead(True)
    first = nightly_train.call()
    again = nightly_train.call()
    assert first["trained"] is False and again["trained"] is False  # the history did not change
    assert ModelVersion.objects.count() == 1 and first["written"] == again["written"]
