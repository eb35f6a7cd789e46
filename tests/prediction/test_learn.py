"""The pure model (no database): calibrated probabilities, factors, refusals."""

from __future__ import annotations

import random

import numpy as np
import pytest

from imbuto.prediction import learn

# Pure code, no database: run once (the PostgreSQL run) when scripts/test.sh runs both.
pytestmark = pytest.mark.one_database


def synthetic(n: int, seed: int = 0) -> tuple[list[dict], list[int]]:
    rng = random.Random(seed)
    records, labels = [], []
    for _ in range(n):
        source = rng.choice(["referral", "list", "web"])
        visits = rng.randint(0, 10)
        p = {"referral": 0.7, "list": 0.15, "web": 0.4}[source] + 0.03 * (visits - 5)
        records.append({"source": source, "visits": visits, "noise": rng.choice("abc")})
        labels.append(int(rng.random() < p))
    return records, labels


@pytest.mark.parametrize("n", [120, 1500])
def test_probabilities_are_calibrated_and_in_range(n):
    records, labels = synthetic(n)
    model = learn.Model(["visits"], ["source", "noise"]).fit(records, labels)
    assert model.kind_ == ("linear" if n < learn.SMALL_DATA else "boosting")
    test_records, test_labels = synthetic(2000, seed=9)
    p = model.predict_proba(test_records)
    assert ((p >= 0) & (p <= 1)).all()
    # calibrated: the mean prediction is near the observed rate, in bins as well as overall
    assert abs(p.mean() - np.mean(test_labels)) < 0.05
    high = p > 0.55
    assert abs(p[high].mean() - np.asarray(test_labels)[high].mean()) < 0.1
    assert learn.brier_score_loss(test_labels, p) < np.mean(test_labels) * (1 - np.mean(test_labels))


def test_cross_validation_reports_quality_in_range():
    records, labels = synthetic(300)
    ev = learn.cross_validate(lambda: learn.Model(["visits"], ["source", "noise"]), records, labels)
    d = ev.as_dict()
    assert 0.7 < d["roc_auc"] <= 1 and 0 < d["pr_auc"] <= 1 and 0 < d["brier"] < 0.25
    assert d["n_rows"] == 300 and d["folds"] == 5 and len(ev.per_fold) == 5


def test_one_class_only_is_refused():
    records, _ = synthetic(100)
    with pytest.raises(learn.LearnError, match="same outcome"):
        learn.cross_validate(lambda: learn.Model(["visits"], ["source"]), records, [1] * 100)


def test_too_few_of_a_class_is_refused():
    records, _ = synthetic(30)
    with pytest.raises(learn.LearnError, match="too few rows"):
        learn.check_labels([1] + [0] * 29, folds=5)


def test_factors_name_what_raises_and_lowers_the_probability():
    records, labels = synthetic(1500)
    model = learn.Model(["visits"], ["source", "noise"]).fit(records, labels)
    [(up, _down)] = learn.factors(model, [{"source": "referral", "visits": 5, "noise": "a"}])
    [(_up, down)] = learn.factors(model, [{"source": "list", "visits": 5, "noise": "a"}])
    assert up and up[0].feature == "source" and up[0].value == "referral" and up[0].delta > 0.1
    assert down and down[0].feature == "source" and down[0].delta < -0.1
    assert all(f.delta > 0 for f in up) and all(f.delta < 0 for f in down)


def test_unseen_and_missing_values_still_predict():
    records, labels = synthetic(200)
    model = learn.Model(["visits"], ["source", "noise"]).fit(records, labels)
    p = model.predict_proba([{"source": "carrier pigeon"}, {}])
    assert p.shape == (2,) and ((p > 0) & (p < 1)).all()
