"""/api/v1/leads/{id}/prediction (whoever may see the lead) and /api/v1/prediction/models (admins and
managers): thin adapters over the selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from . import selectors

router = Router(tags=["prediction"])


class FactorOut(Schema):
    feature: str = Field(description="Stable feature code (channel, country, n_email_click, ...).")
    label: str = Field(description="The feature's name in the request's language.")
    value: Any = Field(description="The lead's value of the feature.")
    delta: float = Field(description="How much this value moves the probability (-1..1) against "
                                     "the usual value in the history.")


class ModelOut(Schema):
    id: int
    trained_at: dt.datetime
    n_won: int
    n_lost: int
    roc_auc: float = Field(description="Cross-validated ROC AUC (mean over the folds).")
    pr_auc: float = Field(description="Cross-validated precision-recall AUC (average precision).")
    brier: float = Field(description="Cross-validated Brier score (lower is better).")
    folds: int
    estimator: str = Field(description="linear (small history) or boosting.")


class PredictionOut(Schema):
    lead_id: int
    status: str = Field(description="ready; not_enough_history (no model yet); pending (not computed yet).")
    probability: float | None = Field(description="Calibrated probability that the lead becomes a customer.")
    factors_up: list[FactorOut]
    factors_down: list[FactorOut]
    model: ModelOut | None
    won: int = Field(description="Won leads in the history (of the model, or now when there is none).")
    lost: int
    needed: int = Field(description="Won and lost leads each needed before a model is trained.")
    message: str = Field(description="The status in the request's language.")
    computed_at: dt.datetime | None


class ModelListOut(Schema):
    items: list[ModelOut]


def _who(request: HttpRequest) -> Any:
    """The authenticated user (django-ninja sets `request.auth`)."""
    return getattr(request, "auth", None)


def _factors(items: list[selectors.FactorView]) -> list[dict[str, Any]]:
    return [{"feature": f.feature, "label": f.label, "value": f.value, "delta": round(f.delta, 4)}
            for f in items]


def status_message(view: selectors.PredictionView) -> str:
    if view.status == "not_enough_history":
        return _("Not enough history yet: %(won)s won, %(lost)s lost, need %(needed)s of each.") % {
            "won": view.won, "lost": view.lost, "needed": view.needed}
    if view.status == "pending":
        return _("The prediction for this lead has not been computed yet.")
    return _("%(percent)s%% chance of becoming a customer.") % {"percent": view.percent}


@router.get("/leads/{int:lead_id}/prediction", response=PredictionOut)
def lead_prediction(request: HttpRequest, lead_id: int) -> Any:
    """The predicted probability that the lead becomes a customer, its top factors up and down, and
    the model version with its cross-validated quality; or why there is none yet."""
    view = selectors.lead_prediction(_who(request), lead_id)
    return {"lead_id": view.lead_id, "status": view.status, "probability": view.probability,
            "factors_up": _factors(view.up), "factors_down": _factors(view.down),
            "model": view.version, "won": view.won, "lost": view.lost, "needed": view.needed,
            "message": status_message(view), "computed_at": view.computed_at}


@router.get("/prediction/models", response=ModelListOut)
def model_list(request: HttpRequest) -> Any:
    """Trained model versions, newest first, with their cross-validated metrics (admins, managers)."""
    return {"items": list(selectors.model_versions(_who(request))[:100])}
