"""Who may see predictions (registered in PredictionConfig.ready()): a lead's prediction is seen by
whoever may see the lead; model versions (what was learned, its quality) by admins and managers;
nobody changes either by hand (training is the system's, or an admin's through the CLI)."""

from __future__ import annotations

from imbuto.core import permissions
from imbuto.core.permissions import Roles
from imbuto.intake.policies import ViaLead

MODEL_ROLES = ("admin", "manager")


def register() -> None:
    from .models import LeadPrediction, ModelVersion

    permissions.register(LeadPrediction, ViaLead("lead"))
    permissions.register(ModelVersion, Roles({"view": MODEL_ROLES}))
