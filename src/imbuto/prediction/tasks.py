"""Background tasks of prediction: ids in, idempotent (the same lead and version write the same row;
the same history trains no second version)."""

from __future__ import annotations

from typing import Any

from django.tasks import task


@task()
def refresh_predictions(lead_ids: list[int]) -> dict[str, Any]:
    """Lead events (created, updated, merged, engagement): predict these leads again."""
    from .services import predictions_refresh

    return {"written": predictions_refresh(lead_ids=[int(i) for i in lead_ids])}


@task()
def nightly_train() -> dict[str, Any]:
    """Retrain on the closed history (nothing new: the same version) and refresh every lead.
    Below the minimum history it trains nothing and says so."""
    from .services import NotEnoughHistory, model_train, predictions_refresh

    try:
        result = model_train()
    except NotEnoughHistory as exc:
        return {"trained": False, "won": exc.won, "lost": exc.lost}
    return {"trained": result.created, "version": result.version.pk,
            "written": predictions_refresh()}
