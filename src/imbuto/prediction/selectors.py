"""Readers of prediction, restricted by core.permissions to what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from imbuto.core import permissions
from imbuto.leads.selectors import lead_get

from . import features, learn
from .models import LeadPrediction, ModelVersion


@dataclass
class FactorView:
    feature: str
    label: str
    value: Any
    delta: float  # probability points, -1..1

    @property
    def points(self) -> int:
        return round(self.delta * 100)


@dataclass
class PredictionView:
    """What the lead page and `GET /leads/{id}/prediction` show: the probability and its factors, or
    why there is none (no model yet, with the history counts; or not computed yet)."""

    lead_id: int
    status: str  # "ready" | "not_enough_history" | "pending"
    won: int
    lost: int
    needed: int
    probability: float | None = None
    up: list[FactorView] = field(default_factory=list)
    down: list[FactorView] = field(default_factory=list)
    version: ModelVersion | None = None
    computed_at: Any = None

    @property
    def percent(self) -> int | None:
        return None if self.probability is None else round(self.probability * 100)


def shown_value(value: Any) -> Any:
    """A stored factor value for people: yes/no in their language, numbers and names as they are."""
    if value == "yes":
        return _("yes")
    if value == "no":
        return _("no")
    return value


def _factor_views(items: list[dict[str, Any]]) -> list[FactorView]:
    return [FactorView(feature=str(f.get("feature", "")),
                       label=features.feature_label(str(f.get("feature", ""))),
                       value=shown_value(f.get("value")), delta=float(f.get("delta", 0.0)))
            for f in items]


def lead_prediction(user: Any, lead_id: int) -> PredictionView:
    """The prediction of a lead `user` may see (NotFound otherwise)."""
    lead = lead_get(user, lead_id)
    row = (permissions.restrict(user, LeadPrediction.objects.filter(lead_id=lead.pk))
           .select_related("version").defer("version__pipeline").first())
    version = ModelVersion.objects.defer("pipeline").order_by("-trained_at", "-id").first()
    if version is None:
        won, lost = features.outcome_counts()
        return PredictionView(lead_id=lead.pk, status="not_enough_history", won=won, lost=lost,
                              needed=learn.MIN_PER_CLASS)
    if row is None:
        return PredictionView(lead_id=lead.pk, status="pending", won=version.n_won,
                              lost=version.n_lost, needed=learn.MIN_PER_CLASS, version=version)
    return PredictionView(lead_id=lead.pk, status="ready", won=row.version.n_won, lost=row.version.n_lost,
                          needed=learn.MIN_PER_CLASS, probability=row.probability,
                          up=_factor_views(row.factors_up), down=_factor_views(row.factors_down),
                          version=row.version, computed_at=row.computed_at)


def model_versions(user: Any) -> QuerySet[ModelVersion]:
    """Model versions, newest first, for who may see them (PermissionDenied otherwise)."""
    permissions.require(user, "view", ModelVersion,
                        message=_("Only admins and managers see the model versions."))
    return permissions.restrict(user, ModelVersion.objects.defer("pipeline")).order_by("-trained_at", "-id")
