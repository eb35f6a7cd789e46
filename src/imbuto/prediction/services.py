"""Writes of prediction: training a model version from the closed history, and refreshing leads'
predictions with the newest version. Both are safe to run twice (same history: no new version;
same lead and version: the same row)."""

from __future__ import annotations

import io
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import joblib
from django.db import transaction

from imbuto.core.errors import DomainError
from imbuto.core.types import Actor
from imbuto.leads.models import Lead

from . import features, learn
from .models import LeadPrediction, ModelVersion

log = logging.getLogger(__name__)
_CACHE: dict[int, learn.Model] = {}
_LOCK = threading.Lock()


class NotEnoughHistory(DomainError):
    """Fewer than MIN_PER_CLASS won or lost leads: no model yet (the rules score stands alone)."""

    status = 409

    def __init__(self, won: int, lost: int) -> None:
        self.won, self.lost = won, lost
        need = learn.MIN_PER_CLASS
        super().__init__(f"not enough history yet: {won} won, {lost} lost, need {need} of each")


@dataclass(frozen=True)
class TrainResult:
    version: ModelVersion
    created: bool  # False: the history had not changed since this version


def model_train(*, actor: Actor = None, force: bool = False, folds: int = 5) -> TrainResult:
    """Cross-validate and fit the model on the closed history and keep it as a new version.
    NotEnoughHistory below the minimum; the newest version again when nothing changed (unless
    `force`). `actor` is who asked (None: the nightly job or the CLI)."""
    records, labels, fingerprint = features.history()
    won = sum(labels)
    lost = len(labels) - won
    if not features.enough(won, lost):
        raise NotEnoughHistory(won, lost)
    latest = ModelVersion.objects.order_by("-trained_at", "-id").first()
    if latest is not None and latest.fingerprint == fingerprint and not force:
        return TrainResult(latest, False)
    started = time.perf_counter()

    def make() -> learn.Model:
        return learn.Model(features.NUMERIC, features.CATEGORICAL)

    evaluation = learn.cross_validate(make, records, labels, folds=folds)
    model = make().fit(records, labels)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    version = ModelVersion.objects.create(
        trained_at=features.now(), n_won=won, n_lost=lost, roc_auc=evaluation.roc_auc,
        pr_auc=evaluation.pr_auc, brier=evaluation.brier, folds=evaluation.folds,
        estimator=model.kind_, fingerprint=fingerprint, seconds=time.perf_counter() - started,
        features={"numeric": features.NUMERIC, "categorical": features.CATEGORICAL},
        pipeline=buffer.getvalue())
    with _LOCK:
        _CACHE[version.pk] = model
    log.info("prediction model v%s trained by %s: %s won, %s lost, ROC AUC %.3f",
             version.pk, getattr(actor, "pk", None), won, lost, evaluation.roc_auc)
    return TrainResult(version, True)


def latest_version() -> ModelVersion | None:
    return ModelVersion.objects.defer("pipeline").order_by("-trained_at", "-id").first()


def loaded(version: ModelVersion) -> learn.Model:
    """The fitted pipeline of `version`, unpickled once per process."""
    with _LOCK:
        model = _CACHE.get(version.pk)
    if model is None:
        raw = ModelVersion.objects.filter(pk=version.pk).values_list("pipeline", flat=True).get()
        model = joblib.load(io.BytesIO(bytes(raw)))
        with _LOCK:
            _CACHE.clear()  # keep one: the newest is the one asked for
            _CACHE[version.pk] = model
    return model


def predictions_refresh(*, lead_ids: list[int] | None = None, batch: int = 2000) -> int:
    """Predict `lead_ids` (None: every lead not merged away) with the newest version and store one
    row per lead; leads merged into another lose theirs. Returns how many were written."""
    version = latest_version()
    if version is None:
        return 0
    model = loaded(version)
    if lead_ids is None:
        ids = list(Lead.objects.filter(merged_into__isnull=True).values_list("pk", flat=True))
    else:
        ids = list(lead_ids)
    written = 0
    for chunk in features.chunks(ids, batch):
        leads = list(Lead.objects.filter(pk__in=chunk, merged_into__isnull=True)
                     .select_related("channel", "campaign").order_by("pk"))
        gone = set(chunk) - {lead.pk for lead in leads}
        written += _store(version, model, leads, gone)
    return written


def _store(version: ModelVersion, model: learn.Model, leads: list[Lead], gone: set[int]) -> int:
    records = features.records_for(leads, until_closed=False)
    probs: Any = model.predict_proba(records) if leads else []
    found = learn.factors(model, records) if leads else []
    now = features.now()
    rows = [LeadPrediction(lead=lead, version=version, probability=round(float(p), 4),
                           factors_up=[f.as_dict() for f in up],
                           factors_down=[f.as_dict() for f in down], computed_at=now)
            for lead, p, (up, down) in zip(leads, probs, found, strict=True)]
    with transaction.atomic():
        if gone:
            LeadPrediction.objects.filter(lead_id__in=gone).delete()
        LeadPrediction.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["lead"],
            update_fields=["version", "probability", "factors_up", "factors_down", "computed_at"])
    return len(rows)


def describe(version: ModelVersion | None) -> dict[str, Any]:
    """The figures of a version for people and the API."""
    if version is None:
        return {}
    return {"id": version.pk, "trained_at": version.trained_at, "n_won": version.n_won,
            "n_lost": version.n_lost, "roc_auc": version.roc_auc, "pr_auc": version.pr_auc,
            "brier": version.brier, "folds": version.folds, "estimator": version.estimator}
